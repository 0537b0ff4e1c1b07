import type { SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Prompt } from '../adapter.ts';

interface Taken {
  /** Absent for the session's own prompt, which has no prompt message. */
  prompt?: Prompt;
  /** A user send the SDK queues as a turn (not an answer to the agent's question inside a turn). */
  send: boolean;
  /** The agent replied (an assistant message) after it was taken: only then can a result answer it. */
  replied: boolean;
}

/**
 * The user turns of a Claude session as the SDK's streaming input: the initial prompt, then each
 * follow-up `prompt` message, delivered when the SDK takes it. It also tracks which taken prompts a turn's
 * `result` answers. `end()` closes the input, which lets the query finish; prompts not taken by then are
 * dropped.
 */
export class PromptQueue implements AsyncIterable<SDKUserMessage> {
  readonly #waiting: { text: string; prompt?: Prompt }[] = [];
  readonly #taken: Taken[] = [];
  #wake: (() => void) | undefined;
  #ended = false;

  get ended(): boolean {
    return this.#ended;
  }

  /** Prompts pushed but not yet taken by the SDK. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** False when the input has already ended (the caller drops the prompt). */
  push(text: string, prompt?: Prompt): boolean {
    if (this.#ended) return false;
    this.#waiting.push({ text, ...(prompt ? { prompt } : {}) });
    this.#wake?.();
    return true;
  }

  /** A prompt the running turn took in another way (the answer to the agent's question): delivered now. */
  joinTurn(prompt: Prompt): void {
    prompt.delivered();
    this.#taken.push({ prompt, send: false, replied: false });
  }

  /** The agent replied: what it has taken so far is part of the conversation it is answering. */
  replied(): void {
    for (const t of this.#taken) t.replied = true;
  }

  /**
   * A turn ended with `stillQueued` user sends waiting in the SDK's queue (`queued_turn_count`; absent:
   * one turn per send). The latest sends are the ones still waiting; every other prompt taken before the
   * agent's last reply was answered.
   */
  turnEnded(stillQueued: number | undefined): void {
    let waiting = stillQueued ?? this.#taken.filter((t) => t.send).length - 1;
    for (let i = this.#taken.length - 1; i >= 0; i--) {
      const t = this.#taken[i]!;
      if (t.send && waiting > 0) {
        waiting--;
        continue;
      }
      if (!t.replied) continue;
      this.#taken.splice(i, 1);
      t.prompt?.answered();
    }
  }

  /** Ends the input; prompts the SDK has not taken are dropped, saying `reason`. */
  end(reason = 'The agent stopped before it took the prompt in.'): void {
    this.#ended = true;
    for (const w of this.#waiting.splice(0)) w.prompt?.dropped(reason);
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SDKUserMessage> {
    for (;;) {
      const next = this.#waiting.shift();
      if (next) {
        next.prompt?.delivered();
        this.#taken.push({ ...(next.prompt ? { prompt: next.prompt } : {}), send: true, replied: false });
        yield { type: 'user', message: { role: 'user', content: next.text }, parent_tool_use_id: null };
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}
