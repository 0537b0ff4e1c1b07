import type { PersistedEnvelope } from '@rfe/protocol';

export interface StreamSnapshot {
  /** Every loaded message once, in seq order. */
  messages: readonly PersistedEnvelope[];
  /** Messages with seq ≤ floor have not been loaded (0: the log is loaded from its start). */
  floor: number;
}

/**
 * The session log as far as the page has seen it, de-duplicated by seq, so a resumed stream, a replay
 * and a page of history can overlap freely. Change notifications are coalesced to one per frame, so a
 * burst of messages costs one render.
 */
export class MessageStore {
  #bySeq = new Map<number, PersistedEnvelope>();
  #snapshot: StreamSnapshot = { messages: [], floor: 0 };
  #listeners = new Set<() => void>();
  #scheduled = false;
  #dirty = false;

  readonly subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = () => this.#snapshot;

  get lastSeq(): number {
    return this.#snapshot.messages.at(-1)?.seq ?? this.#snapshot.floor;
  }

  add(messages: readonly PersistedEnvelope[]): void {
    for (const m of messages) {
      if (this.#bySeq.has(m.seq)) continue;
      this.#bySeq.set(m.seq, m);
      this.#dirty = true;
    }
    if (this.#dirty) this.#schedule();
  }

  setFloor(floor: number): void {
    if (floor === this.#snapshot.floor) return;
    this.#snapshot = { ...this.#snapshot, floor };
    this.#dirty = true;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const flush = () => {
      this.#scheduled = false;
      if (!this.#dirty) return;
      this.#dirty = false;
      const messages = [...this.#bySeq.values()].sort((a, b) => a.seq - b.seq);
      this.#snapshot = { messages, floor: this.#snapshot.floor };
      for (const listener of this.#listeners) listener();
    };
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible')
      requestAnimationFrame(flush);
    else setTimeout(flush, 16);
  }
}
