import type { SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';

/**
 * The user turns of a Claude session as the SDK's streaming input: the initial prompt, then each
 * follow-up `prompt` message. `end()` closes the input, which lets the query finish.
 */
export class PromptQueue implements AsyncIterable<SDKUserMessage> {
  readonly #waiting: SDKUserMessage[] = [];
  #wake: (() => void) | undefined;
  #ended = false;

  get ended(): boolean {
    return this.#ended;
  }

  /** Prompts pushed but not yet taken by the SDK. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** False when the input has already ended. */
  push(text: string): boolean {
    if (this.#ended) return false;
    this.#waiting.push({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null });
    this.#wake?.();
    return true;
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SDKUserMessage> {
    for (;;) {
      const next = this.#waiting.shift();
      if (next) {
        yield next;
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
