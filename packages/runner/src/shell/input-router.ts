import type { PersistedEnvelope } from '@rfe/protocol';
import type { Adapter } from '../adapters/adapter.ts';
import type { Reporter } from './reporter.ts';
import type { RunControl } from './run-control.ts';

/**
 * Input from the backend: `prompt` goes to the adapter (held until it is ready), `cancel` stops the run.
 * Handing over is immediate, so the channel acknowledges the message right away.
 */
export class InputRouter {
  readonly #control: RunControl;
  readonly #report: () => Reporter | undefined;
  #adapter: Adapter | undefined;
  readonly #held: string[] = [];

  constructor(control: RunControl, report: () => Reporter | undefined) {
    this.#control = control;
    this.#report = report;
  }

  deliver(message: PersistedEnvelope): void {
    if (message.type === 'cancel') {
      const reason = message.payload.reason.trim() || 'cancelled by the user';
      this.#control.stop({ code: 'cancelled', message: `The session was cancelled: ${reason}` });
    } else if (message.type === 'prompt') {
      if (this.#adapter) this.#adapter.input(message.payload.text);
      else this.#held.push(message.payload.text);
    } else {
      this.#report()?.log(
        `Ignored a ${message.type} message: the runner takes prompt and cancel only`,
        'warn',
      );
    }
  }

  /** From now on prompts go straight to `adapter`; the ones that came early are delivered first. */
  attach(adapter: Adapter): void {
    this.#adapter = adapter;
    for (const text of this.#held.splice(0)) adapter.input(text);
  }
}
