import type { Envelope } from '../envelope.ts';

/**
 * Messages sent but not yet acknowledged by the server. The channel adds each message before sending it,
 * removes it when the server acknowledges its id, and resends `pending()` after every reconnect.
 * A runner uses a file-backed outbox on its work directory so a restart keeps them.
 */
export interface Outbox {
  add(message: Envelope): Promise<void>;
  remove(id: string): Promise<void>;
  /** Unacknowledged messages in the order they were added. */
  pending(): Promise<Envelope[]>;
}

/** In-memory outbox: survives reconnects, not restarts (enough for the UI). */
export class MemoryOutbox implements Outbox {
  // Map keeps insertion order, which is the send order.
  readonly #messages = new Map<string, Envelope>();

  async add(message: Envelope): Promise<void> {
    this.#messages.set(message.id, message);
  }

  async remove(id: string): Promise<void> {
    this.#messages.delete(id);
  }

  async pending(): Promise<Envelope[]> {
    return [...this.#messages.values()];
  }
}
