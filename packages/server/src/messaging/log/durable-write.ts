import type { ObjectStore } from '../../storage/index.ts';
import { asBuffer } from './jsonl.ts';

/**
 * How the log rides out a failing store: a message cannot be acknowledged until it is written, so
 * writes are retried (exponential backoff with full jitter, capped) until they succeed or the log is
 * closed. Producers are held back meanwhile (see Sequencer), so waiting costs no memory.
 */
export interface WritePolicy {
  baseMs: number;
  maxMs: number;
  /** True once the log is closing: stop retrying and let the caller fail. */
  stopped: () => boolean;
  onRetry: (info: { key: string; attempt: number; error: unknown }) => void;
}

/** Two different contents under one immutable key: another writer is appending to this session. */
export class LogConflictError extends Error {
  constructor(readonly key: string) {
    super(`${key} already exists with other content: another process is writing this session's log`);
    this.name = 'LogConflictError';
  }
}

export class LogClosedError extends Error {
  constructor() {
    super('the message log is closed');
    this.name = 'LogClosedError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(
  key: string,
  policy: WritePolicy,
  attemptOnce: () => Promise<T>,
  attempts = Number.POSITIVE_INFINITY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (policy.stopped()) throw new LogClosedError();
    try {
      return await attemptOnce();
    } catch (error) {
      if (error instanceof LogConflictError || policy.stopped() || attempt >= attempts) throw error;
      policy.onRetry({ key, attempt, error });
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 20));
      await sleep(Math.random() * ceiling);
    }
  }
}

/**
 * Writes an immutable object. Finding the key already there with the same bytes counts as success: it
 * is our own earlier attempt whose answer was lost (a timeout that still wrote, a crash before the
 * index caught up). Other bytes there mean a second writer: LogConflictError.
 */
export function putImmutable(
  store: ObjectStore,
  key: string,
  bytes: Uint8Array,
  policy: WritePolicy,
): Promise<void> {
  return withRetry(key, policy, async () => {
    if (await store.putIfAbsent(key, bytes)) return;
    const existing = await store.get(key);
    if (existing === null) throw new Error(`${key} vanished while being written; retrying`);
    if (!asBuffer(existing).equals(asBuffer(bytes))) throw new LogConflictError(key);
  });
}

/** Creates or replaces an object (index, delivery state, a segment being extended). */
export function putReplacing(
  store: ObjectStore,
  key: string,
  body: Uint8Array | string,
  policy: WritePolicy,
): Promise<void> {
  return withRetry(key, policy, () => store.put(key, body));
}

/** Reads that a reader waits for: a few retries ride out a transient error, then the error surfaces. */
export const READ_ATTEMPTS = 6;

export function getWithRetry(
  store: ObjectStore,
  key: string,
  policy: WritePolicy,
  range?: { start: number; end: number },
): Promise<Uint8Array | null> {
  return withRetry(key, policy, () => store.get(key, range), READ_ATTEMPTS);
}
