import type { BatchListener, FanOut, PublishedBatch } from './fan-out.ts';

/** Subscribers in this process, called synchronously on publish. */
export class InProcessFanOut implements FanOut {
  readonly kind = 'in-process' as const;
  readonly #listeners = new Map<string, Set<BatchListener>>();

  publish(batch: PublishedBatch): void {
    const listeners = this.#listeners.get(batch.sessionId);
    if (!listeners) return;
    for (const listener of listeners) listener(batch);
  }

  async subscribe(sessionId: string, listener: BatchListener): Promise<() => void> {
    return this.add(sessionId, listener);
  }

  add(sessionId: string, listener: BatchListener): () => void {
    let set = this.#listeners.get(sessionId);
    if (!set) {
      set = new Set();
      this.#listeners.set(sessionId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(sessionId) === set) this.#listeners.delete(sessionId);
    };
  }

  subscriberCount(sessionId: string): number {
    return this.#listeners.get(sessionId)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
