/**
 * Producer ids of the most recent messages and their seqs, to drop a resent message (its ack was lost)
 * and answer with the seq it already has. Bounded: an id older than the last `capacity` messages is
 * forgotten. A producer only resends messages it has no ack for, which are the last few it sent, so the
 * bound (default 10,000 messages) only has to exceed the acks that can be in flight when a connection
 * drops. After a restart the window is rebuilt from the end of the log (see MessageLog.readTail).
 */
export class RecentIds {
  readonly #seqById = new Map<string, number>();
  // The ids in the order they were remembered, in a ring: evicting the oldest is O(1). (Taking a Map's
  // first key instead costs time proportional to the entries deleted before it, until V8 rehashes.)
  readonly #ids: string[] = [];
  readonly #seqs: number[] = [];
  #next = 0;

  constructor(private readonly capacity: number) {}

  get(id: string): number | undefined {
    return this.#seqById.get(id);
  }

  remember(id: string, seq: number): void {
    if (this.#ids.length < this.capacity) {
      this.#ids.push(id);
      this.#seqs.push(seq);
    } else {
      const oldest = this.#ids[this.#next];
      // Only if it was not remembered again since (then the newer entry stays).
      if (this.#seqById.get(oldest) === this.#seqs[this.#next]) this.#seqById.delete(oldest);
      this.#ids[this.#next] = id;
      this.#seqs[this.#next] = seq;
      this.#next = (this.#next + 1) % this.capacity;
    }
    this.#seqById.set(id, seq);
  }

  get size(): number {
    return this.#seqById.size;
  }
}
