import type { ObjectStore } from '../../storage/index.ts';
import { putReplacing, type WritePolicy } from './durable-write.ts';
import { INDEX_KEY } from './layout.ts';
import type { LogIndexFile } from './log-index.ts';

/**
 * Writes `index.json`, one write at a time, each with the state as it is when the write starts, so the
 * stored index never goes backwards. Callers asking while a write is still queued share it.
 */
export class IndexWriter {
  #chain: Promise<void> = Promise.resolve();
  #queued: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly snapshot: () => LogIndexFile,
    private readonly policy: WritePolicy,
    private readonly debounceMs: number,
    private readonly onWritten: (file: LogIndexFile) => void,
  ) {}

  /**
   * Appends do not need the index (recovery lists chunks newer than it), but a fresh index keeps that
   * listing short: write one a little after appends stop arriving.
   */
  touch(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.write().catch(() => {}); // retried inside; fails only when closing
    }, this.debounceMs);
    this.#timer.unref?.();
  }

  /** Resolves once an index holding at least the state at call time is stored. */
  write(): Promise<void> {
    if (this.#queued) return this.#queued;
    const run = this.#chain.then(async () => {
      this.#queued = null;
      const file = this.snapshot();
      await putReplacing(this.store, INDEX_KEY, JSON.stringify(file), this.policy);
      this.onWritten(file);
    });
    this.#queued = run;
    this.#chain = run.catch(() => {});
    return run;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
