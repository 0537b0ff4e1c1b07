import type { Envelope } from '@rfe/protocol';
import { type EncodedRun, encodeRun } from './log/jsonl.ts';
import type { Limiter } from './log/limiter.ts';
import type { MessageLog } from './log/message-log.ts';
import type { RecentIds } from './recent-ids.ts';

export interface SequencerSettings {
  /** A chunk is written as soon as this many messages wait… */
  flushMessages: number;
  /** …or this many bytes (also the most one chunk takes, above one message)… */
  flushBytes: number;
  /** …otherwise at most one chunk per this many ms: a lone message goes out at once, a burst is batched. */
  flushIntervalMs: number;
  /** Above this many bytes not yet stored, producers are paused (see `congested`). */
  maxPendingBytes: number;
  /** Chunk writes in flight at once: storage latency is paid once per pipeline, not once per chunk. */
  maxChunksInFlight: number;
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
  /** performance.now() at submit, for the stage timings. */
  submittedAt: number;
}

interface ChunkInFlight {
  batch: Pending[];
  run: EncodedRun;
  bytes: number;
  started: number;
  stored: boolean;
  storedAt: number;
}

/**
 * Where the messages of one committed chunk spent their time, in seconds: waiting in the queue for the
 * flush interval and a write slot (one value per message), storing the chunk, then waiting for earlier
 * chunks to be stored so that commits stay in seq order.
 */
export interface ChunkStages {
  queued: number[];
  storing: number;
  ordering: number;
}

export interface SequencerHooks {
  onPersisted(batch: PersistedBatch): void;
  onFlushed(seconds: number, messages: number, bytes: number): void;
  onStages?(stages: ChunkStages): void;
  onDuplicate(): void;
  onFailed(error: Error): void;
  /**
   * Asked before each stored chunk is acknowledged (replicas: does this instance still hold the log's
   * writer lease?). False: nothing more is acknowledged, everything waiting fails (producers resend).
   */
  mayAcknowledge?(): boolean;
}

/** The session's log is written by another instance now: send it again after reconnecting. */
export class WriterMovedError extends Error {
  constructor() {
    super("another server instance writes this session's log now; resend after reconnecting");
    this.name = 'WriterMovedError';
  }
}

export const preciseNow = (): number => performance.timeOrigin + performance.now();

/**
 * The single writer of one session's log. Assigns seqs in arrival order, drops messages whose id it has
 * already seen, and writes batches as chunks — a few in flight at once — but commits them strictly in
 * order: a chunk is acknowledged to its producers and handed on for fan-out only once it and every
 * chunk before it are stored, so nobody ever sees a gap.
 */
export class Sequencer {
  readonly #queue: Pending[] = [];
  readonly #pendingById = new Map<string, Pending>();
  #queuedBytes = 0;
  #inFlightBytes = 0;
  #nextSeq: number;
  readonly #inFlight: ChunkInFlight[] = [];
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  #failed: Error | null = null;
  /** Set by stopAccepting: new messages are refused, those already taken are still stored. */
  #refusing: Error | null = null;
  readonly #uncongestedWaiters: (() => void)[] = [];
  readonly #idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sessionId: string,
    private readonly log: MessageLog,
    private readonly recent: RecentIds,
    private readonly settings: SequencerSettings,
    private readonly hooks: SequencerHooks,
    /** Shared by every session of the process (MessagingSettings.maxChunkWritesInFlight). */
    private readonly writeSlots: Limiter,
  ) {
    this.#nextSeq = log.lastSeq + 1;
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
    if (this.#failed || this.#refusing) {
      callback(this.#failed ?? this.#refusing, 0, false);
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
    // The backend assigns seq; one a producer put in its envelope is not stored.
    if (message.seq !== undefined) {
      const { seq: _producers, ...rest } = message;
      message = rest;
    }
    const seq = this.#nextSeq++;
    // `seq` first: readers find it without parsing the line (jsonl.ts seqOfLine). Spliced into the
    // serialised envelope (an object, so its text starts with '{') instead of copying the object.
    const body = JSON.stringify(message);
    const line = body.length > 2 ? `{"seq":${seq},${body.slice(1)}` : `{"seq":${seq}}`;
    const pending: Pending = { message, seq, line, callbacks: [callback], submittedAt: performance.now() };
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

  /** False once stopAccepting or a failure ended this sequencer's intake. */
  get accepting(): boolean {
    return !this.#refusing && !this.#failed;
  }

  /** Hand-over: refuse new messages with `error`; the ones already taken are stored and acknowledged. */
  stopAccepting(error: Error): void {
    this.#refusing ??= error;
  }

  /** The writer lease is lost: acknowledge nothing more; everything taken fails with `error`. */
  fence(error: Error): void {
    this.#fail(error, false);
  }

  /** Resolves when everything submitted so far is stored (or failed). */
  idle(): Promise<void> {
    if (this.#inFlight.length === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isFull(): boolean {
    return this.#queue.length >= this.settings.flushMessages || this.#queuedBytes >= this.settings.flushBytes;
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#failed) return;
    if (this.#inFlight.length >= this.settings.maxChunksInFlight) return; // a completion reschedules
    this.#scheduled = true;
    const wait = this.#isFull() ? 0 : this.#lastFlushAt + this.settings.flushIntervalMs - performance.now();
    // setImmediate even when due: frames that arrived in the same read join this chunk.
    if (wait <= 0) setImmediate(() => this.#requestWriteSlot());
    else this.#timer = setTimeout(() => this.#requestWriteSlot(), wait);
  }

  /**
   * Chunk writes of all sessions share a few slots. The batch is taken when the slot is granted, so
   * under load a session's chunk holds everything that arrived while it waited: fewer, larger writes
   * (group commit) instead of a long queue of one-message writes.
   */
  #requestWriteSlot(): void {
    this.#timer = undefined;
    void this.writeSlots.run(() => this.#writeChunk());
  }

  #writeChunk(): Promise<void> {
    this.#scheduled = false;
    if (this.#queue.length === 0 || this.#failed) return Promise.resolve();
    this.#lastFlushAt = performance.now();
    const batch = this.#takeBatch();
    const bytes = batch.reduce((sum, p) => sum + p.line.length + 1, 0);
    this.#queuedBytes -= bytes;
    this.#inFlightBytes += bytes;
    const run = encodeRun(
      batch.map((p) => p.line),
      batch[0].seq,
    );
    const chunk: ChunkInFlight = {
      batch,
      run,
      bytes,
      started: performance.now(),
      stored: false,
      storedAt: 0,
    };
    this.#inFlight.push(chunk);
    const written = this.log.writeChunk(run).then(
      () => {
        chunk.stored = true;
        chunk.storedAt = performance.now();
        this.#commitStored();
      },
      (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
    );
    this.#schedule();
    return written;
  }

  /** Commits stored chunks from the front: in seq order, never past one still being written. */
  #commitStored(): void {
    while (this.#inFlight[0]?.stored && !this.#failed) {
      if (this.hooks.mayAcknowledge && !this.hooks.mayAcknowledge()) {
        this.#fail(new WriterMovedError(), false);
        return;
      }
      const { batch, run, bytes, started, storedAt } = this.#inFlight.shift()!;
      this.log.commitChunk(run);
      const now = performance.now();
      this.hooks.onFlushed((now - started) / 1000, batch.length, bytes);
      this.hooks.onStages?.({
        queued: batch.map((p) => (started - p.submittedAt) / 1000),
        storing: (storedAt - started) / 1000,
        ordering: (now - storedAt) / 1000,
      });
      this.#inFlightBytes -= bytes;
      for (const p of batch) {
        this.recent.remember(p.message.id, p.seq);
        this.#pendingById.delete(p.message.id);
      }
      for (const p of batch) for (const callback of p.callbacks) callback(null, p.seq, false);
      this.hooks.onPersisted({
        sessionId: this.sessionId,
        first: run.first,
        last: run.last,
        lines: batch.map((p) => p.line),
        messages: batch.map((p) => p.message),
        persistedAt: preciseNow(),
      });
    }
    if (!this.congested) for (const wake of this.#uncongestedWaiters.splice(0)) wake();
    if (this.#queue.length === 0 && this.#inFlight.length === 0)
      for (const wake of this.#idleWaiters.splice(0)) wake();
    this.#schedule();
  }

  #takeBatch(): Pending[] {
    let count = 0;
    let bytes = 0;
    while (count < this.#queue.length) {
      const size = this.#queue[count].line.length + 1;
      if (count > 0 && bytes + size > this.settings.flushBytes) break;
      bytes += size;
      count++;
    }
    return this.#queue.splice(0, count);
  }

  /** Storage refused for good (closing, or another writer): nothing more is accepted by this sequencer. */
  #fail(error: Error, notify = true): void {
    if (this.#failed) return;
    this.#failed = error;
    clearTimeout(this.#timer);
    const all = [...this.#inFlight.splice(0).flatMap((c) => c.batch), ...this.#queue.splice(0)];
    this.#pendingById.clear();
    this.#queuedBytes = 0;
    this.#inFlightBytes = 0;
    for (const p of all) for (const callback of p.callbacks) callback(error, 0, false);
    for (const wake of this.#uncongestedWaiters.splice(0)) wake();
    for (const wake of this.#idleWaiters.splice(0)) wake();
    if (notify) this.hooks.onFailed(error);
  }
}
