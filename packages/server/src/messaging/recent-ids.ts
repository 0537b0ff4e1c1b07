/**
 * Producer ids of the most recent messages and their seqs, to drop a resent message (its ack was lost)
 * and answer with the seq it already has. Bounded: an id older than the last `capacity` messages is
 * forgotten. A producer only resends messages it has no ack for, which are the last few it sent, so the
 * bound (default 10,000 messages) only has to exceed the acks that can be in flight when a connection
 * drops. After a restart the window is rebuilt from the end of the log (see MessageLog.readTail).
 */
export class RecentIds {
  readonly #seqById = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  get(id: string): number | undefined {
    return this.#seqById.get(id);
  }

  remember(id: string, seq: number): void {
    this.#seqById.set(id, seq);
    if (this.#seqById.size > this.capacity) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = this.#seqById.keys().next().value as string;
      this.#seqById.delete(oldest);
    }
  }

  get size(): number {
    return this.#seqById.size;
  }
}
