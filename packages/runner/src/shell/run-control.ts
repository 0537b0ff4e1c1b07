import { RunError } from '../errors.ts';

export interface StopReason {
  code: 'cancelled' | 'timeout';
  message: string;
}

/**
 * One place that decides the run must stop (a `cancel` message, SIGTERM, the overall timeout): it aborts
 * `signal` (which kills running git and command processes), tells listeners (the adapter), and makes
 * every guarded phase reject at once with the reason.
 */
export class RunControl {
  readonly #abort = new AbortController();
  readonly #listeners: ((reason: StopReason) => void)[] = [];
  #reason: StopReason | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #stopped: Promise<never>;
  #reject!: (error: RunError) => void;

  constructor() {
    this.#stopped = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    this.#stopped.catch(() => {}); // observed through guard()
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get reason(): StopReason | undefined {
    return this.#reason;
  }

  /** The first call wins; later ones are ignored. */
  stop(reason: StopReason): void {
    if (this.#reason) return;
    this.#reason = reason;
    clearTimeout(this.#timer);
    this.#abort.abort(reason);
    this.#reject(new RunError(reason.code, reason.message));
    for (const listener of this.#listeners) listener(reason);
  }

  onStop(listener: (reason: StopReason) => void): void {
    if (this.#reason) listener(this.#reason);
    else this.#listeners.push(listener);
  }

  /** `work`, unless the run is stopped first. */
  guard<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.#stopped]);
  }

  startTimer(timeoutMs: number): void {
    this.#timer = setTimeout(
      () =>
        this.stop({
          code: 'timeout',
          message: `The session ran longer than ${timeoutMs} ms (RFE_TIMEOUT_MS) and was stopped.`,
        }),
      timeoutMs,
    );
    this.#timer.unref();
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
