import type { PersistedEnvelope, PersistedEnvelopeOf } from '@rfe/protocol';
import { type PromptStatus, promptStates } from './prompt-states.ts';

export type MessageRow = {
  kind: 'message';
  key: string;
  message: PersistedEnvelope;
  /** After someone asked to cancel: an error then is the stop itself, not a failure. */
  afterCancel?: boolean;
  /** For a prompt: queued, delivered, answered or not delivered (from the runner's `prompt_state`s). */
  promptState?: PromptStatus;
};
export type CommandRow = {
  kind: 'command';
  key: string;
  start?: PersistedEnvelopeOf<'command_start'>;
  output: PersistedEnvelopeOf<'command_output'>[];
  end?: PersistedEnvelopeOf<'command_end'>;
  /** Ended (killed) after a cancel request, so its exit code is the signal, not the command's verdict. */
  cancelled?: boolean;
};
export type Row = MessageRow | CommandRow;

export interface DerivedStream {
  rows: Row[];
  /** The runner's latest `status` message, shown in the header rather than as rows. */
  status?: PersistedEnvelopeOf<'status'>;
}

/**
 * Turns the message log into display rows: a command's start, output chunks and end become one row;
 * heartbeats, status updates and prompt states are not rows (a prompt's row carries its state; `finished`:
 * the session has ended). Row keys are the seq of their first message, so they stay stable as messages
 * arrive and as older pages are added in front.
 */
export function deriveRows(messages: readonly PersistedEnvelope[], finished = false): DerivedStream {
  const rows: Row[] = [];
  const prompts = promptStates(messages, finished);
  let open: CommandRow | undefined;
  let status: PersistedEnvelopeOf<'status'> | undefined;
  let cancelRequested = false;
  for (const m of messages) {
    switch (m.type) {
      case 'heartbeat':
      case 'prompt_state':
        break;
      case 'prompt':
        rows.push({ kind: 'message', key: `s${m.seq}`, message: m, promptState: prompts.get(m.seq) });
        break;
      case 'status':
        status = m;
        break;
      case 'command_start':
        open = { kind: 'command', key: `s${m.seq}`, start: m, output: [] };
        rows.push(open);
        break;
      case 'command_output':
        if (!open) {
          // Output whose start is on a page not loaded yet.
          open = { kind: 'command', key: `s${m.seq}`, output: [] };
          rows.push(open);
        }
        open.output.push(m);
        break;
      case 'command_end':
        // A command interrupted by a cancel may report its end after the backend's closing error.
        open ??= rows.findLast(
          (r): r is CommandRow => r.kind === 'command' && !r.end && r.start?.payload.cmd === m.payload.cmd,
        );
        if (open && (!open.start || open.start.payload.cmd === m.payload.cmd)) {
          open.end = m;
          if (cancelRequested) open.cancelled = true;
        } else {
          rows.push({
            kind: 'command',
            key: `s${m.seq}`,
            output: [],
            end: m,
            cancelled: cancelRequested || undefined,
          });
        }
        open = undefined;
        break;
      case 'cancel':
        cancelRequested = true;
        if (open) open.cancelled = true;
        rows.push({ kind: 'message', key: `s${m.seq}`, message: m });
        break;
      case 'error':
        // The backend ends a cancelled session with error `cancelled`: the command it interrupted (killed by
        // a signal, exit ≥ 128, or never ended) was stopped, not failed.
        if (m.payload.code === 'cancelled') {
          cancelRequested = true;
          const last = rows.findLast((r): r is CommandRow => r.kind === 'command');
          if (last && (!last.end || last.end.payload.exitCode >= 128)) last.cancelled = true;
        }
        open = undefined;
        rows.push({
          kind: 'message',
          key: `s${m.seq}`,
          message: m,
          ...(cancelRequested ? { afterCancel: true } : {}),
        });
        break;
      default:
        rows.push({ kind: 'message', key: `s${m.seq}`, message: m });
    }
  }
  return { rows, status };
}
