import type { PersistedBatch } from '../sequencer.ts';

/** What travels from the writer to subscribers: a persisted batch without the parsed messages. */
export type PublishedBatch = Omit<PersistedBatch, 'messages'>;

export type BatchListener = (batch: PublishedBatch) => void;

/**
 * Delivers persisted batches to the live subscribers of a session, wherever they are connected.
 * In-process (one server) or Redis pub/sub (several instances); chosen in create-fan-out.ts.
 * Delivery is best effort: a subscriber that sees a seq gap reads the missing messages from storage.
 */
export interface FanOut {
  readonly kind: 'in-process' | 'redis';
  publish(batch: PublishedBatch): void;
  /** Resolves once batches published from now on will reach `listener`; returns the unsubscribe. */
  subscribe(sessionId: string, listener: BatchListener): Promise<() => void>;
  close(): Promise<void>;
}
