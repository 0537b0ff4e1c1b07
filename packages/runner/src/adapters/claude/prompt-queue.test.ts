import { describe, expect, it } from 'vitest';
import { ReportedPrompt } from '../../shell/reported-prompt.ts';
import { PromptQueue } from './prompt-queue.ts';

/** A prompt whose reported states land in `log` as `name:state`. */
function recorded(name: string, log: string[]) {
  return new ReportedPrompt(name, (state, reason) =>
    log.push(`${name}:${state}${reason ? ` (${reason})` : ''}`),
  );
}

/** The SDK's side: takes the next user message from the input. */
async function take(queue: PromptQueue, it = queue[Symbol.asyncIterator]()) {
  const next = await it.next();
  return next.done ? undefined : next.value.message.content;
}

describe('PromptQueue: which follow-ups a turn took in and answered', () => {
  it('a follow-up taken during a turn is delivered then, and answered by the result after the reply', async () => {
    const log: string[] = [];
    const queue = new PromptQueue();
    const it = queue[Symbol.asyncIterator]();
    queue.push('the task');
    expect(await take(queue, it)).toBe('the task');
    queue.push('penguins', recorded('penguins', log));
    expect(log).toEqual([]); // queued until the SDK takes it
    expect(await take(queue, it)).toBe('penguins');
    expect(log).toEqual(['penguins:delivered']);
    queue.replied();
    queue.turnEnded(0);
    expect(log).toEqual(['penguins:delivered', 'penguins:answered']);
  });

  it('a follow-up taken after the last reply waits for the next result', async () => {
    const log: string[] = [];
    const queue = new PromptQueue();
    const it = queue[Symbol.asyncIterator]();
    queue.push('the task');
    await take(queue, it);
    queue.replied();
    queue.push('late', recorded('late', log));
    await take(queue, it);
    queue.turnEnded(0);
    expect(log).toEqual(['late:delivered']);
    queue.replied();
    queue.turnEnded(0);
    expect(log).toEqual(['late:delivered', 'late:answered']);
  });

  it('sends the SDK still queues (queued_turn_count) are answered by their own turns, in order', async () => {
    const log: string[] = [];
    const queue = new PromptQueue();
    const it = queue[Symbol.asyncIterator]();
    queue.push('the task');
    await take(queue, it);
    queue.push('one', recorded('one', log));
    queue.push('two', recorded('two', log));
    await take(queue, it);
    await take(queue, it);
    queue.replied();
    queue.turnEnded(2); // both still wait: this result answered the task only
    expect(log).toEqual(['one:delivered', 'two:delivered']);
    queue.replied();
    queue.turnEnded(1);
    expect(log.slice(2)).toEqual(['one:answered']);
    queue.replied();
    queue.turnEnded(undefined); // no count: one turn per send
    expect(log.slice(3)).toEqual(['two:answered']);
  });

  it("an answer to the agent's question joins the running turn and is answered by its result", () => {
    const log: string[] = [];
    const queue = new PromptQueue();
    queue.joinTurn(recorded('Blue', log));
    expect(log).toEqual(['Blue:delivered']);
    queue.turnEnded(0);
    expect(log).toEqual(['Blue:delivered']); // the agent has not replied to it yet
    queue.replied();
    queue.turnEnded(0);
    expect(log).toEqual(['Blue:delivered', 'Blue:answered']);
  });

  it('ending the input drops what the SDK has not taken, and refuses later prompts', async () => {
    const log: string[] = [];
    const queue = new PromptQueue();
    queue.push('waiting', recorded('waiting', log));
    queue.end('The agent stopped.');
    expect(log).toEqual(['waiting:dropped (The agent stopped.)']);
    expect(queue.push('after', recorded('after', log))).toBe(false);
    expect(await take(queue)).toBeUndefined();
  });
});

describe('ReportedPrompt', () => {
  it('reports each state once and in order, whatever is called late or twice', () => {
    const log: string[] = [];
    const a = recorded('a', log);
    a.answered(); // implies delivered
    a.delivered();
    a.dropped('too late');
    a.answered();
    const b = recorded('b', log);
    b.dropped('gone');
    b.delivered();
    b.answered();
    expect(log).toEqual(['a:delivered', 'a:answered', 'b:dropped (gone)']);
  });
});
