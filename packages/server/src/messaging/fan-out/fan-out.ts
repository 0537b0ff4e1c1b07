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
  /** Between instances (Redis only): the requests to hand over a session's log writing. */
  readonly writerSignals?: WriterSignals;
  publish(batch: PublishedBatch): void;
  /** Resolves once batches published from now on will reach `listener`; returns the unsubscribe. */
  subscribe(sessionId: string, listener: BatchListener): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * Several instances (writer-lease.ts): the instance holding a session's log lease is asked to hand it
 * over when another one needs to write (its runner reconnected there). Best effort: a request lost
 * with Redis only means the asker waits for the lease to expire.
 */
export interface WriterSignals {
  /** This instance's id, as recorded in the leases it holds. */
  readonly instance: string;
  askToYield(instance: string, sessionId: string): void;
  onAskedToYield(listener: (sessionId: string) => void): void;
}
