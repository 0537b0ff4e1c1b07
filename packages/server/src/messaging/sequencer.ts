import type { Envelope } from '@rfe/protocol';
import { encodeRun } from './log/jsonl.ts';
import type { MessageLog } from './log/message-log.ts';
import type { RecentIds } from './recent-ids.ts';

export interface SequencerSettings {
  /** A chunk is written as soon as this many messages wait… */
  flushMessages: number;
  /** …or this many bytes… */
  flushBytes: number;
  /** …otherwise at most one chunk per this many ms: a lone message goes out at once, a burst is batched. */
  flushIntervalMs: number;
  /** Above this many bytes not yet stored, producers are paused (see `congested`). */
  maxPendingBytes: number;
}

/** Messages just persisted, in seq order: what is acknowledged and fanned out. */
export interface PersistedBatch {
  sessionId: string;
  first: number;
  last: number;
  /** Stored JSON text per message, `seq` first. */
  lines: string[];
  messages: Envelope[];
  /** performance.timeOrigin + performance.now() when persisted, for latency metrics. */
  persistedAt: number;
}

/** err: the message could not be stored (the log is closing or broken); resend it later. */
export type SubmitCallback = (error: Error | null, seq: number, duplicate: boolean) => void;

interface Pending {
  message: Envelope;
  seq: number;
  line: string;
  callbacks: SubmitCallback[];
}

export interface SequencerHooks {
  onPersisted(batch: PersistedBatch): void;
  onFlushed(seconds: number, messages: number, bytes: number): void;
  onDuplicate(): void;
  onFailed(error: Error): void;
}

export const preciseNow = (): number => performance.timeOrigin + performance.now();

/**
 * The single writer of one session's log. Assigns seqs in arrival order, drops messages whose id it has
 * already seen, writes batches as chunks one at a time (so the stored log has no gap: chunk n+1 is only
 * written once chunk n is), and only then acknowledges the producers and hands the batch on for fan-out.
 */
export class Sequencer {
  readonly #queue: Pending[] = [];
  readonly #pendingById = new Map<string, Pending>();
  #queuedBytes = 0;
  #inFlightBytes = 0;
  #nextSeq: number;
  #flushing = false;
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  #failed: Error | null = null;
  #wasWritten = false;
  readonly #uncongestedWaiters: (() => void)[] = [];
  readonly #idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sessionId: string,
    private readonly log: MessageLog,
    private readonly recent: RecentIds,
    private readonly settings: SequencerSettings,
    private readonly hooks: SequencerHooks,
  ) {
    this.#nextSeq = log.lastSeq + 1;
  }

  /** True once this process has appended to the log (it is the session's writer). */
  get wasWritten(): boolean {
    return this.#wasWritten;
  }

  /** Too much is waiting for storage: stop reading from producers until `whenUncongested`. */
  get congested(): boolean {
    return this.#queuedBytes + this.#inFlightBytes > this.settings.maxPendingBytes;
  }

  whenUncongested(): Promise<void> {
    if (!this.congested || this.#failed) return Promise.resolve();
    return new Promise((resolve) => this.#uncongestedWaiters.push(resolve));
  }

  /** `callback` runs once the message is stored (or was already: `duplicate`), before fan-out. */
  submit(message: Envelope, callback: SubmitCallback): void {
    if (this.#failed) {
      callback(this.#failed, 0, false);
      return;
    }
    const known = this.recent.get(message.id);
    if (known !== undefined) {
      this.hooks.onDuplicate();
      callback(null, known, true);
      return;
    }
    const waiting = this.#pendingById.get(message.id);
    if (waiting) {
      this.hooks.onDuplicate();
      waiting.callbacks.push((error, seq) => callback(error, seq, true));
      return;
    }
    const seq = this.#nextSeq++;
    // `seq` first: readers find it without parsing the line (jsonl.ts seqOfLine).
    const line = JSON.stringify({ seq, ...message });
    const pending: Pending = { message, seq, line, callbacks: [callback] };
    this.#queue.push(pending);
    this.#pendingById.set(message.id, pending);
    this.#queuedBytes += line.length + 1;
    if (this.#timer && this.#isFull()) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#scheduled = false;
    }
    this.#schedule();
  }

  submitAsync(message: Envelope): Promise<{ seq: number; duplicate: boolean }> {
    return new Promise((resolve, reject) => {
      this.submit(message, (error, seq, duplicate) => (error ? reject(error) : resolve({ seq, duplicate })));
    });
  }

  /** Resolves when everything submitted so far is stored (or failed). */
  idle(): Promise<void> {
    if (!this.#flushing && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isFull(): boolean {
    return this.#queue.length >= this.settings.flushMessages || this.#queuedBytes >= this.settings.flushBytes;
  }

  #schedule(): void {
    if (this.#flushing || this.#scheduled || this.#queue.length === 0 || this.#failed) return;
    this.#scheduled = true;
    const wait = this.#isFull() ? 0 : this.#lastFlushAt + this.settings.flushIntervalMs - performance.now();
    // setImmediate even when due: frames that arrived in the same read join this chunk.
    if (wait <= 0) setImmediate(() => void this.#flush());
    else this.#timer = setTimeout(() => void this.#flush(), wait);
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    this.#timer = undefined;
    if (this.#flushing || this.#queue.length === 0 || this.#failed) return;
    this.#flushing = true;
    this.#lastFlushAt = performance.now();
    const batch = this.#takeBatch();
    const bytes = batch.reduce((sum, p) => sum + p.line.length + 1, 0);
    this.#queuedBytes -= bytes;
    this.#inFlightBytes += bytes;
    const started = performance.now();
    try {
      await this.log.appendBatch(
        encodeRun(
          batch.map((p) => p.line),
          batch[0].seq,
        ),
      );
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)), batch);
      return;
    }
    this.#wasWritten = true;
    this.hooks.onFlushed((performance.now() - started) / 1000, batch.length, bytes);
    this.#inFlightBytes -= bytes;
    for (const p of batch) {
      this.recent.remember(p.message.id, p.seq);
      this.#pendingById.delete(p.message.id);
    }
    for (const p of batch) for (const callback of p.callbacks) callback(null, p.seq, false);
    this.hooks.onPersisted({
      sessionId: this.sessionId,
      first: batch[0].seq,
      last: batch[batch.length - 1].seq,
      lines: batch.map((p) => p.line),
      messages: batch.map((p) => p.message),
      persistedAt: preciseNow(),
    });
    this.#flushing = false;
    if (!this.congested) for (const wake of this.#uncongestedWaiters.splice(0)) wake();
    if (this.#queue.length === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    this.#schedule();
  }

  #takeBatch(): Pending[] {
    let count = 0;
    let bytes = 0;
    while (count < this.#queue.length && count < this.settings.flushMessages) {
      const size = this.#queue[count].line.length + 1;
      if (count > 0 && bytes + size > this.settings.flushBytes) break;
      bytes += size;
      count++;
    }
    return this.#queue.splice(0, count);
  }

  /** Storage refused for good (closing, or another writer): nothing more is accepted by this sequencer. */
  #fail(error: Error, batch: Pending[]): void {
    this.#failed = error;
    const all = [...batch, ...this.#queue.splice(0)];
    this.#pendingById.clear();
    this.#queuedBytes = 0;
    this.#inFlightBytes = 0;
    this.#flushing = false;
    for (const p of all) for (const callback of p.callbacks) callback(error, 0, false);
    for (const wake of this.#uncongestedWaiters.splice(0)) wake();
    for (const wake of this.#idleWaiters.splice(0)) wake();
    this.hooks.onFailed(error);
  }
}
