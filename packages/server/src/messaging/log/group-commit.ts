import { randomUUID } from 'node:crypto';
import { deleteKeys, type ObjectStore } from '../../storage/index.ts';
import { putImmutable, putReplacing, type WritePolicy } from './durable-write.ts';
import { encodeGroupRecords } from './group-commit-records.ts';
import { groupCommitKey } from './layout.ts';

export interface GroupCommitSettings {
  /** Group-commit objects being written at once; chunks arriving meanwhile wait and leave together. */
  writesInFlight: number;
  /**
   * Writes start at most this often. Under load the store answers fast enough to take a write every
   * few milliseconds, each nearly empty; spacing them makes fewer, fuller writes and leaves the store
   * time for everything else (measured on s3rver: p99 ≈ 35 ms at 10 ms against ≈ 50 ms without). Where
   * a write is cheap (the directory store, ~1 ms) a short spacing keeps latency down: 2 ms there.
   */
  intervalMs: number;
  /** An object holds about this much at most; the rest goes into the next one. */
  maxObjectBytes: number;
}

interface Waiting {
  key: string;
  bytes: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Objects whose chunks are all stored by their logs are deleted together, this often.
const DELETE_EVERY_MS = 200;

/**
 * Cross-session group commit, for stores where every request costs (S3): the chunks of all sessions of
 * a project that arrive while a write is in flight leave together, as one object under
 * `rfe_workflows/_group-commit/{writer}/`. Once it is stored they are durable and may be acknowledged.
 * Each log later stores its staged chunks as one ordinary chunk of its own (MessageLog) and releases
 * them here; an object whose chunks are all released is deleted. After a crash, recoverGroupCommits()
 * turns what such objects still hold into ordinary chunks before any log of the project is opened.
 */
export class GroupCommitLog {
  readonly #writer = randomUUID();
  #objects = 0;
  #waiting: Waiting[] = [];
  #inFlight = 0;
  #scheduled = false;
  #lastStarted = 0;
  /** Chunk key → the object holding it, for chunks their log has not stored on its own yet. */
  readonly #unreleased = new Map<string, { object: string; bytes: Buffer }>();
  /** Object → how many of its chunks are unreleased. */
  readonly #remaining = new Map<string, number>();
  #deletable: string[] = [];
  #deleteTimer: ReturnType<typeof setTimeout> | undefined;
  #deleting: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    private readonly policy: WritePolicy,
    private readonly settings: GroupCommitSettings,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves once `bytes` (the chunk `key`, relative to the project's store) is durably stored. */
  append(key: string, bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ key, bytes, resolve, reject });
      this.#schedule();
    });
  }

  /** The log stored `key` as (part of) one of its own chunks: the group-commit copy may go. */
  release(key: string): void {
    const held = this.#unreleased.get(key);
    if (!held) return;
    this.#unreleased.delete(key);
    const left = (this.#remaining.get(held.object) ?? 1) - 1;
    if (left > 0) {
      this.#remaining.set(held.object, left);
      return;
    }
    this.#remaining.delete(held.object);
    this.#deletable.push(held.object);
    this.#deleteTimer ??= setTimeout(() => this.#deleteReleased(), DELETE_EVERY_MS);
  }

  /**
   * Stores every unreleased chunk below `folder` as an ordinary chunk and releases it: a session whose
   * log broke is about to be recovered from its folder, which must hold everything acknowledged.
   */
  async storeUnreleased(folder: string): Promise<void> {
    const mine = [...this.#unreleased].filter(([key]) => key.startsWith(folder));
    for (const [key, { bytes }] of mine) {
      await putImmutable(this.store, key, bytes, this.policy);
      this.release(key);
    }
  }

  /** Deletes the objects released so far (shutdown). Unreleased ones stay for the next start. */
  async close(): Promise<void> {
    clearTimeout(this.#deleteTimer);
    await this.#deleteReleased();
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0 || this.#inFlight >= this.settings.writesInFlight)
      return;
    this.#scheduled = true;
    const go = () => {
      this.#scheduled = false;
      void this.#writeNext();
    };
    const wait = this.#lastStarted + this.settings.intervalMs - performance.now();
    // setImmediate even when due: chunks flushed by other sessions in this turn of the loop join in.
    if (wait <= 0) setImmediate(go);
    else setTimeout(go, wait);
  }

  async #writeNext(): Promise<void> {
    if (this.#waiting.length === 0 || this.#inFlight >= this.settings.writesInFlight) return;
    const batch = this.#takeBatch();
    const object = groupCommitKey(this.#writer, ++this.#objects);
    this.#inFlight++;
    this.#lastStarted = performance.now();
    this.#schedule();
    try {
      // A plain put: the key belongs to this process alone, so a retry can only meet its own bytes.
      await putReplacing(this.store, object, encodeGroupRecords(batch), this.policy);
      this.#remaining.set(object, batch.length);
      for (const w of batch) this.#unreleased.set(w.key, { object, bytes: w.bytes });
      for (const w of batch) w.resolve();
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
  }

  #takeBatch(): Waiting[] {
    let count = 0;
    let bytes = 0;
    while (count < this.#waiting.length) {
      const size = this.#waiting[count].bytes.length;
      if (count > 0 && bytes + size > this.settings.maxObjectBytes) break;
      bytes += size;
      count++;
    }
    return this.#waiting.splice(0, count);
  }

  #deleteReleased(): Promise<void> {
    this.#deleteTimer = undefined;
    const keys = this.#deletable.splice(0);
    if (keys.length === 0) return this.#deleting;
    // A failed delete leaves objects whose chunks are stored already: the next start skips them.
    this.#deleting = this.#deleting.then(() => deleteKeys(this.store, keys).catch(this.onError));
    return this.#deleting;
  }
}
