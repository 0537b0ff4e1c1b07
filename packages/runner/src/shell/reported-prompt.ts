import type { PayloadOf } from '@rfe/protocol';
import type { Prompt } from '../adapters/adapter.ts';

type State = PayloadOf<'prompt_state'>['state'];

/**
 * A prompt message on its way to the agent: each change of state is reported once and in order
 * (queued → delivered → answered, or queued → dropped), whatever the adapter calls twice or late.
 */
export class ReportedPrompt implements Prompt {
  #state: State | 'queued' = 'queued';

  constructor(
    readonly text: string,
    private readonly report: (state: State, reason?: string) => void,
  ) {}

  delivered(): void {
    if (this.#state !== 'queued') return;
    this.#state = 'delivered';
    this.report('delivered');
  }

  answered(): void {
    this.delivered();
    if (this.#state !== 'delivered') return;
    this.#state = 'answered';
    this.report('answered');
  }

  dropped(reason: string): void {
    if (this.#state !== 'queued') return;
    this.#state = 'dropped';
    this.report('dropped', reason);
  }
}
