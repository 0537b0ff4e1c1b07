import type { PersistedEnvelope } from '@rfe/protocol';

export type PromptState = 'queued' | 'delivered' | 'answered' | 'dropped';

export interface PromptStatus {
  state: PromptState;
  /** Why a dropped prompt never reached the agent. */
  reason?: string;
}

/** Said of a prompt the session ended without taking in (the runner never saw it, or could not say). */
export const ENDED_BEFORE_DELIVERY = 'The session ended before the prompt reached the agent.';

const order: Record<PromptState, number> = { queued: 0, delivered: 1, dropped: 1, answered: 2 };

/**
 * The state of every prompt in the log, by the prompt's seq: queued until the runner's `prompt_state`
 * says delivered, answered or dropped (a state never goes back, whatever order the log holds). Once the
 * session has ended (`finished`), a prompt still queued will never be delivered. The log alone decides,
 * so a reload shows the same.
 */
export function promptStates(
  messages: readonly PersistedEnvelope[],
  finished = false,
): Map<number, PromptStatus> {
  const states = new Map<number, PromptStatus>();
  for (const m of messages) {
    if (m.type === 'prompt') {
      if (!states.has(m.seq)) states.set(m.seq, { state: 'queued' });
    } else if (m.type === 'prompt_state') {
      const current = states.get(m.payload.promptSeq);
      // A state for a prompt on a page not loaded yet has no row to go on.
      if (!current || order[m.payload.state] <= order[current.state]) continue;
      states.set(m.payload.promptSeq, {
        state: m.payload.state,
        ...(m.payload.reason ? { reason: m.payload.reason } : {}),
      });
    }
  }
  if (finished) {
    for (const [seq, status] of states) {
      if (status.state === 'queued') states.set(seq, { state: 'dropped', reason: ENDED_BEFORE_DELIVERY });
    }
  }
  return states;
}
