import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { msg } from '../../../test/messages.ts';
import { MessageRowView } from './message-row.tsx';
import type { PromptStateChip } from './prompt-state-chip.tsx';
import { ENDED_BEFORE_DELIVERY, promptStates } from './prompt-states.ts';
import { deriveRows } from './rows.ts';

const alice = { userId: 'u1', subject: 'alice' };
const prompt = (seq: number, text = 'also mention penguins') =>
  msg('prompt', { text }, { seq, origin: 'ui', sender: alice });
const state = (
  seq: number,
  promptSeq: number,
  value: 'delivered' | 'answered' | 'dropped',
  reason?: string,
) => msg('prompt_state', { promptSeq, state: value, ...(reason ? { reason } : {}) }, { seq });

describe('promptStates (a prompt on its way to the agent, from the log alone)', () => {
  it('is queued until the runner says delivered, then answered', () => {
    const log = [prompt(3), msg('log', { text: 'working' }, { seq: 4 })];
    expect(promptStates(log).get(3)).toEqual({ state: 'queued' });
    log.push(state(5, 3, 'delivered'));
    expect(promptStates(log).get(3)).toEqual({ state: 'delivered' });
    log.push(state(6, 3, 'answered'));
    expect(promptStates(log).get(3)).toEqual({ state: 'answered' });
  });

  it('keeps the reason of a dropped prompt, and each prompt its own state', () => {
    const states = promptStates([
      prompt(1),
      prompt(2),
      state(3, 1, 'delivered'),
      state(4, 2, 'dropped', 'The agent had finished; the prompt was not delivered.'),
    ]);
    expect(states.get(1)).toEqual({ state: 'delivered' });
    expect(states.get(2)).toEqual({
      state: 'dropped',
      reason: 'The agent had finished; the prompt was not delivered.',
    });
  });

  it('never goes back: a late delivered after answered, or a dropped after delivered, changes nothing', () => {
    const states = promptStates([
      prompt(1),
      state(2, 1, 'answered'),
      state(3, 1, 'delivered'),
      prompt(4),
      state(5, 4, 'delivered'),
      state(6, 4, 'dropped', 'late'),
    ]);
    expect(states.get(1)).toEqual({ state: 'answered' });
    expect(states.get(4)).toEqual({ state: 'delivered' });
  });

  it('a prompt still queued when the session has ended was not delivered; delivered ones stay delivered', () => {
    const log = [prompt(1), prompt(2), state(3, 2, 'delivered')];
    const states = promptStates(log, true);
    expect(states.get(1)).toEqual({ state: 'dropped', reason: ENDED_BEFORE_DELIVERY });
    expect(states.get(2)).toEqual({ state: 'delivered' });
  });

  it('ignores states of prompts on pages not loaded yet', () => {
    expect([...promptStates([state(9, 2, 'answered')])]).toEqual([]);
  });
});

describe('prompt rows', () => {
  it("the stream reducer puts each prompt's state on its row and makes no row of a prompt_state", () => {
    const { rows } = deriveRows([prompt(1), state(2, 1, 'delivered'), state(3, 1, 'answered')]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 's1', promptState: { state: 'answered' } });
    const ended = deriveRows([prompt(1)], true).rows[0];
    expect(ended?.kind === 'message' && ended.promptState?.state).toBe('dropped');
  });

  it('a prompt row shows its sender and its state chip; a dropped one says why', () => {
    const render = (status: Parameters<typeof PromptStateChip>[0]['status']) =>
      renderToStaticMarkup(
        <MessageRowView message={prompt(1)} promptState={status} expanded={false} onToggle={() => {}} />,
      );
    expect(render({ state: 'queued' })).toContain('Prompt from alice');
    expect(render({ state: 'queued' })).toMatch(/data-prompt-state="queued".*>queued</);
    expect(render({ state: 'delivered' })).toMatch(/>delivered</);
    expect(render({ state: 'answered' })).toMatch(/>answered</);
    const dropped = render({ state: 'dropped', reason: 'The agent had finished.' });
    expect(dropped).toMatch(/>not delivered</);
    expect(dropped).toContain('The agent had finished.');
  });
});
