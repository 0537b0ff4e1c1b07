import type { PersistedEnvelope } from '@rfe/protocol';
import type { Adapter } from '../adapters/adapter.ts';
import { ReportedPrompt } from './reported-prompt.ts';
import type { Reporter } from './reporter.ts';
import type { RunControl } from './run-control.ts';

/**
 * Input from the backend: `prompt` goes to the adapter (held until it is ready), `cancel` stops the run.
 * Handing over is immediate, so the channel acknowledges the message right away. Once the agent is done
 * (`close`), a prompt is dropped with the reason instead: nothing would ever take it in.
 */
export class InputRouter {
  readonly #control: RunControl;
  readonly #report: () => Reporter | undefined;
  #adapter: Adapter | undefined;
  readonly #held: ReportedPrompt[] = [];
  #closed: string | undefined;

  constructor(control: RunControl, report: () => Reporter | undefined) {
    this.#control = control;
    this.#report = report;
  }

  deliver(message: PersistedEnvelope): void {
    if (message.type === 'cancel') {
      const reason = message.payload.reason.trim() || 'cancelled by the user';
      this.#control.stop({ code: 'cancelled', message: `The session was cancelled: ${reason}` });
    } else if (message.type === 'prompt') {
      const prompt = new ReportedPrompt(message.payload.text, (state, reason) =>
        this.#report()?.promptState(message.seq, state, reason),
      );
      if (this.#closed !== undefined) prompt.dropped(this.#closed);
      else if (this.#adapter) this.#adapter.input(prompt);
      else this.#held.push(prompt);
    } else {
      this.#report()?.log(
        `Ignored a ${message.type} message: the runner takes prompt and cancel only`,
        'warn',
      );
    }
  }

  /** From now on prompts go straight to `adapter`; the ones that came early are delivered first. */
  attach(adapter: Adapter): void {
    if (this.#closed !== undefined) return;
    this.#adapter = adapter;
    for (const prompt of this.#held.splice(0)) adapter.input(prompt);
  }

  /** The agent is done: prompts still held and every later one are dropped, saying `reason`. */
  close(reason: string): void {
    if (this.#closed !== undefined) return;
    this.#closed = reason;
    this.#adapter = undefined;
    for (const prompt of this.#held.splice(0)) prompt.dropped(reason);
  }
}
