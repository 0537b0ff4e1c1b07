import type { ObjectStore } from '../../storage/index.ts';
import { type CompactionKind, type CompactionSettings, Compactor } from './compaction.ts';
import { LogConflictError, putImmutable, type WritePolicy } from './durable-write.ts';
import type { GroupCommitLog } from './group-commit.ts';
import { IndexWriter } from './index-writer.ts';
import { type EncodedRun, marksOf } from './jsonl.ts';
import { chunkKey } from './layout.ts';
import type { Limiter } from './limiter.ts';
import { type ChunkEntry, type LogIndexFile, type LogObject, liveEpochs, tailStart } from './log-index.ts';
import { type LogLine, readRange } from './read-range.ts';
import { type LogState, recoverLog } from './recover-log.ts';

/** Per log, bytes of stored chunks kept in memory with group commit (see #forgetOldBytes). */
export const FRESH_BYTES = 4 * 1024 * 1024;

export interface MessageLogOptions extends CompactionSettings {
  policy: WritePolicy;
  /** Shared by every log of the process, so compactions take turns. */
  limiter: Limiter;
  /** How long after the last append index.json is rewritten. */
  indexDebounceMs: number;
  /** Input messages the runner has not acknowledged, recorded in each index written. */
  pendingInputs: () => number[];
  onIndexWritten: (file: LogIndexFile) => void;
  onCompaction: (kind: CompactionKind, seconds: number) => void;
  onError: (error: unknown) => void;
  /**
   * Cross-session group commit (group-commit.ts): appends are durable once in the project's shared
   * object; the log stores its staged chunks in its own folder as one chunk every `stageMs`.
   */
  groupCommit?: { log: GroupCommitLog; folder: string; stageMs: number };
}

/**
 * One session's durable, replayable message log in its project's object store (layout: layout.ts).
 * Single writer: the process that owns the session's sequencer. Appends are immutable chunks;
 * compaction (compaction.ts) folds them into segments; readers fetch byte ranges found through the
 * index, so a page costs O(page) at any log length.
 */
export class MessageLog {
  readonly #store: ObjectStore;
  readonly #options: MessageLogOptions;
  #state: LogState;
  readonly #indexWriter: IndexWriter;
  #compactor: Compactor;
  #lastUpdated: string;
  #claim: Promise<number> | null = null;
  /** First seq of the next chunk to write (writes may run ahead of commits). */
  #nextWrite: number;
  #stageTimer: ReturnType<typeof setTimeout> | undefined;
  /** Staged chunks being stored in the session folder, one batch at a time. */
  #storingStaged: Promise<void> = Promise.resolve();

  private constructor(store: ObjectStore, options: MessageLogOptions, state: LogState, lastUpdated: string) {
    this.#store = store;
    this.#options = options;
    this.#state = state;
    this.#lastUpdated = lastUpdated;
    this.#nextWrite = state.lastSeq + 1;
    this.#indexWriter = new IndexWriter(
      store,
      () => this.indexFile(),
      options.policy,
      options.indexDebounceMs,
      options.onIndexWritten,
    );
    this.#compactor = this.#newCompactor();
  }

  /**
   * Opens the log stored under `store` (a session folder), continuing where storage says it ends.
   * `tail` holds the messages found beyond the stored index; `indexedInputs` the pending inputs it lists.
   */
  static async open(
    store: ObjectStore,
    options: MessageLogOptions,
  ): Promise<{ log: MessageLog; tail: LogLine[]; indexedInputs: number[] }> {
    const recovered = await recoverLog(store, options.policy);
    const log = new MessageLog(store, options, recovered.state, recovered.index.lastUpdated);
    return { log, tail: recovered.tail, indexedInputs: recovered.index.pendingInputs };
  }

  get lastSeq(): number {
    return this.#state.lastSeq;
  }

  get segmentCount(): number {
    return this.#state.segments.length;
  }

  get chunkCount(): number {
    return this.#state.chunks.length;
  }

  /** True once this process has written to the log (it holds a writer epoch). */
  get writing(): boolean {
    return this.#claim !== null;
  }

  /**
   * Stores the next consecutive messages as one immutable chunk, retrying until the store takes it.
   * Only after this resolves may they be acknowledged or delivered.
   */
  async appendBatch(run: EncodedRun): Promise<void> {
    await this.writeChunk(run);
    this.commitChunk(run);
  }

  /**
   * The storage half of an append. Several may be in flight (pipelining); each starts where the previous
   * one ends. A crash can leave a later chunk stored and an earlier one not: recovery stops at the gap
   * and the next writer epoch disowns what lies beyond it.
   */
  async writeChunk(run: EncodedRun): Promise<void> {
    if (run.first !== this.#nextWrite) {
      throw new Error(`append of ${run.first}‥${run.last} does not follow seq ${this.#nextWrite - 1}`);
    }
    this.#nextWrite = run.last + 1;
    const epoch = await this.#ensureClaimed();
    const key = chunkKey(run.first, run.last, epoch);
    const group = this.#options.groupCommit;
    if (group) await group.log.append(group.folder + key, run.bytes);
    else await putImmutable(this.#store, key, run.bytes, this.#options.policy);
  }

  /** The in-memory half, in seq order once the chunk is stored: readers and compaction see it now. */
  commitChunk(run: EncodedRun): void {
    if (run.first !== this.#state.lastSeq + 1) {
      throw new Error(`commit of ${run.first}‥${run.last} does not follow seq ${this.#state.lastSeq}`);
    }
    const key = chunkKey(run.first, run.last, this.#state.epochs[this.#state.epochs.length - 1].epoch);
    this.#state.chunks.push({
      key,
      first: run.first,
      last: run.last,
      bytes: run.bytes.length,
      marks: run.marks,
      level: 0,
    });
    this.#state.fresh.set(key, run.bytes);
    this.#state.lastSeq = run.last;
    this.#lastUpdated = new Date().toISOString();
    if (this.#options.groupCommit) {
      this.#state.staged++;
      this.#scheduleStaging();
      return; // compaction and the index wait until the chunk is in the session folder
    }
    this.#compactor.poke();
    this.#indexWriter.touch();
  }

  #scheduleStaging(): void {
    if (this.#stageTimer || this.#state.staged === 0 || !this.#options.groupCommit) return;
    // Jittered, so sessions that started together do not all write at the same moment.
    const delay = this.#options.groupCommit.stageMs * (0.5 + Math.random());
    this.#stageTimer = setTimeout(() => {
      this.storeStaged().catch(this.#options.onError);
    }, delay);
    this.#stageTimer.unref?.();
  }

  /**
   * Stores the staged chunks in the session folder as one chunk (level 0), then lets the group-commit
   * objects holding them go. One batch at a time; a failed batch stays staged and is tried again.
   */
  storeStaged(): Promise<void> {
    clearTimeout(this.#stageTimer);
    this.#stageTimer = undefined;
    // Through the limiter compactions use: background writes of all sessions take turns and leave the
    // store free for appends.
    const run = this.#storingStaged.then(() => this.#options.limiter.run(() => this.#storeStagedNow()));
    this.#storingStaged = run.catch(() => {});
    return run.then(
      () => this.#scheduleStaging(),
      (error: unknown) => {
        // Another writer owns the session: trying again cannot help (the group commit keeps the chunks).
        if (!(error instanceof LogConflictError)) this.#scheduleStaging();
        throw error;
      },
    );
  }

  async #storeStagedNow(): Promise<void> {
    const group = this.#options.groupCommit;
    const { chunks, staged: count, fresh } = this.#state;
    if (!group || count === 0) return;
    const staged = chunks.slice(chunks.length - count);
    const parts = staged.map((c) => fresh.get(c.key)!);
    const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const first = staged[0].first;
    const last = staged[staged.length - 1].last;
    const stored: ChunkEntry = {
      key: chunkKey(first, last, await this.#ensureClaimed()),
      first,
      last,
      bytes: bytes.length,
      marks: parts.length === 1 ? staged[0].marks : marksOf(bytes, first),
      level: 0,
    };
    await putImmutable(this.#store, stored.key, bytes, this.#options.policy);
    // Compaction may have changed the chunks before them meanwhile, never these (they were staged).
    this.#state.chunks.splice(this.#state.chunks.indexOf(staged[0]), staged.length, stored);
    this.#state.staged -= staged.length;
    for (const c of staged) fresh.delete(c.key);
    fresh.set(stored.key, bytes);
    this.#forgetOldBytes();
    for (const c of staged) group.log.release(group.folder + c.key);
    this.#compactor.poke();
    this.#indexWriter.touch();
  }

  /**
   * Bytes held for stored chunks save reads when they are merged or paged soon after; with staging a
   * chunk holds a second of a session, so keep only the newest FRESH_BYTES of them (merges read older
   * ones back). Staged chunks are always held: the log has no other copy to read.
   */
  #forgetOldBytes(): void {
    const { chunks, staged, fresh } = this.#state;
    const stagedKeys = new Set(chunks.slice(chunks.length - staged).map((c) => c.key));
    let held = this.heldBytes;
    for (const [key, bytes] of fresh) {
      if (held <= FRESH_BYTES) break;
      if (stagedKeys.has(key)) continue;
      fresh.delete(key); // oldest first: a Map iterates in insertion order
      held -= bytes.length;
    }
  }

  /** Bytes of this log held in memory (staged chunks and recently stored ones). */
  get heldBytes(): number {
    let held = 0;
    for (const bytes of this.#state.fresh.values()) held += bytes.length;
    return held;
  }

  /** Becomes the writer ahead of the first append (a runner attached), so that append need not wait. */
  async claim(): Promise<void> {
    await this.#ensureClaimed();
  }

  /**
   * Becomes the log's writer: a new epoch starting after the last stored message is recorded in the
   * index before anything else is written, so chunks of any earlier writer beyond that point no longer
   * count. Readers never claim; a log is claimed on its first write or compaction.
   */
  #ensureClaimed(): Promise<number> {
    this.#claim ??= (async () => {
      const epochs = this.#state.epochs;
      const epoch = (epochs[epochs.length - 1]?.epoch ?? 0) + 1;
      epochs.push({ epoch, firstSeq: this.#state.lastSeq + 1 });
      await this.#indexWriter.write();
      return epoch;
    })();
    return this.#claim;
  }

  /** Messages with seq > after, at most `limit` of them and about `maxBytes` of text. */
  readPage(after: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<LogLine[]> {
    const to = Math.min(this.#state.lastSeq, after + limit);
    if (after >= to) return Promise.resolve([]);
    const { fresh } = this.#state;
    return readRange(
      this.#store,
      () => this.#objects(),
      after + 1,
      to,
      maxBytes,
      this.#options.policy,
      (key) => fresh.get(key),
    );
  }

  /** The last messages, about `want` of them and at most about `maxBytes`: to rebuild the id window. */
  readTail(want: number, maxBytes: number): Promise<LogLine[]> {
    const from = tailStart(this.#objects(), this.#state.lastSeq, want, maxBytes);
    return this.readPage(from - 1, this.#state.lastSeq - from + 1);
  }

  /**
   * For a process that does not write this log (another instance owns the session): picks up what the
   * writer stored since this view was loaded.
   */
  async refresh(): Promise<void> {
    const recovered = await recoverLog(this.#store, this.#options.policy);
    if (this.writing || recovered.state.lastSeq <= this.#state.lastSeq) return;
    await this.#compactor.idle();
    this.#state = recovered.state;
    this.#nextWrite = recovered.state.lastSeq + 1;
    this.#lastUpdated = recovered.index.lastUpdated;
    this.#compactor = this.#newCompactor();
  }

  /** Resolves once background compaction has caught up with the appends so far. */
  compacted(): Promise<void> {
    return this.#compactor.settled();
  }

  /** Compacts every chunk into segments (the session ended or is being unloaded). */
  async seal(): Promise<void> {
    await this.storeStaged();
    await this.#compactor.seal();
  }

  /** Stores the index now. */
  writeIndex(): Promise<void> {
    return this.#indexWriter.write();
  }

  /**
   * Stops background compaction (waiting for the job in progress), stores the index if this process
   * wrote the log (a reader's view may be behind the writer's: it never replaces the index), stops timers.
   */
  async close(): Promise<void> {
    // Staged chunks that cannot be stored now (storage down, shutdown deadline) stay in the
    // group-commit objects, which the next start turns into chunks.
    await this.storeStaged().catch(() => {});
    clearTimeout(this.#stageTimer);
    this.#stageTimer = undefined;
    this.#compactor.stop();
    await this.#compactor.idle();
    this.#indexWriter.stop();
    if (this.writing) await this.#indexWriter.write();
  }

  /**
   * Stops without writing anything more (the writer lease was lost: another instance may write the log
   * now, so neither the index nor staged chunks are stored; staged ones stay in the group commit, whose
   * recovery stores them for the next writer).
   */
  async abandon(): Promise<void> {
    clearTimeout(this.#stageTimer);
    this.#stageTimer = undefined;
    this.#compactor.stop();
    this.#indexWriter.stop();
    await this.#compactor.idle();
  }

  /** The index of what the session folder holds: staged chunks are not there yet. */
  indexFile(): LogIndexFile {
    const { segments, chunks, staged, epochs } = this.#state;
    const stored = chunks.slice(0, chunks.length - staged);
    const lastSeq = stored[stored.length - 1]?.last ?? segments[segments.length - 1]?.last ?? 0;
    return {
      format: 1,
      messageCount: lastSeq,
      lastSeq,
      lastUpdated: this.#lastUpdated,
      segments: segments.slice(),
      chunks: stored,
      pendingInputs: this.#options.pendingInputs(),
      epochs: liveEpochs(epochs, lastSeq),
    };
  }

  #objects(): LogObject[] {
    const { segments, chunks } = this.#state;
    return chunks.length === 0 ? segments : segments.length === 0 ? chunks : [...segments, ...chunks];
  }

  #newCompactor(): Compactor {
    return new Compactor(
      this.#store,
      this.#state,
      { segmentBytes: this.#options.segmentBytes, mergeFanIn: this.#options.mergeFanIn },
      this.#options.policy,
      this.#options.limiter,
      () => this.#indexWriter.write(),
      () => this.#ensureClaimed(),
      this.#options.onCompaction,
      this.#options.onError,
    );
  }
}
