import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { directoryIo } from './directory-io.ts';
import { encodeRecord, type JournalOp } from './directory-journal-records.ts';
import { removeAbandonedSpares, replayAbandoned } from './directory-journal-replay.ts';
import { RESERVED_SEGMENT_PREFIX } from './keys.ts';

/**
 * Group commit for the directory store. Making a new file durable costs an fsync and a file-system
 * journal commit; at thousands of small writes a second (one message chunk per session, each a few
 * hundred bytes) those dominate the machine. Instead, every small mutation is appended to this
 * write-ahead journal and the writes that arrive together share one `fdatasync`; the files themselves
 * are written without sync. A mutation resolves once its record is synced.
 *
 * Every 30 s (or 64 MB, or after 2 s of quiet) the journal rotates: the files the old journal covers that
 * still exist are synced
 * (most are short-lived chunks, merged and deleted by then) and the old journal is removed. After a
 * crash, the next store on this directory replays the journals of processes that are gone: the last
 * record per path wins (put → the bytes, delete → no file), so nothing acknowledged is lost.
 *
 * Record format: directory-journal-records.ts; replay: directory-journal-replay.ts.
 */
const JOURNAL_DIR = `${RESERVED_SEGMENT_PREFIX}journal`;
/** The store's recycled files (directory-io-worker.js); names start with the owning process's pid. */
export const SPARE_FOLDER = `${RESERVED_SEGMENT_PREFIX}spare`;
/** Bodies above this are written with their own fsync (a 'direct' record), not copied into the journal. */
export const JOURNAL_MAX_BODY = 256 * 1024;
/**
 * A journal is checkpointed at this size or age, or after a quiet moment. The longer it lives, the more
 * of the files it covers are deleted before it ends (chunks merged away) and need no sync at all.
 */
const ROTATE_BYTES = 64 * 1024 * 1024;
const ROTATE_MS = 30_000;
const IDLE_CHECKPOINT_MS = 2000;
/** Paths synced per worker job during a checkpoint. */
const CHECKPOINT_BATCH = 32;

/** Journals this process has open: never replayed by a store opened later in the same process. */
const liveJournals = new Set<string>();

interface Waiter {
  record: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * One journal file: its records, and what it covers that is not synced yet (files written and not
 * deleted since, folders whose entries changed). Opened on first write.
 */
interface Generation {
  name: string;
  handle: FileHandle | undefined;
  bytes: number;
  openedAt: number;
  /** Path → order of its latest write in this generation. */
  files: Map<string, number>;
  dirs: Set<string>;
}

export class DirectoryJournal {
  readonly #dir: string;
  readonly #token = `${process.pid}.${randomBytes(6).toString('hex')}`;
  #sequence = 0;
  #current: Generation;
  /** Counts records, so a delete forgets only the writes recorded before it. */
  #order = 0;
  /** The current generation and those still being checkpointed. */
  readonly #unsynced = new Set<Generation>();
  #queue: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  #checkpoints: Promise<void> = Promise.resolve();
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(root: string) {
    this.#dir = join(root, JOURNAL_DIR);
    this.#current = this.#nextGeneration();
  }

  /** Replays what crashed processes left; this process's journal file is created on the first write. */
  static async open(root: string): Promise<DirectoryJournal> {
    const journal = new DirectoryJournal(root);
    await mkdir(journal.#dir, { recursive: true });
    await replayAbandoned(journal.#dir, join(root, SPARE_FOLDER), liveJournals);
    await removeAbandonedSpares(join(root, SPARE_FOLDER));
    return journal;
  }

  /** Resolves once the record is durable. `path` is absolute; `body` only for 'put'. */
  record(op: JournalOp, path: string, body?: Uint8Array): Promise<void> {
    const record = encodeRecord(op, path, body);
    const order = ++this.#order;
    if (op === 'put') this.#current.files.set(path, order);
    this.#current.dirs.add(dirname(path));
    clearTimeout(this.#idleTimer);
    const durable = new Promise<void>((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      this.#flushing ??= this.#flush();
    });
    if (op !== 'delete') return durable;
    // Once the delete is durable, earlier writes of the path need no sync (a later write still does).
    return durable.then(() => {
      for (const generation of this.#unsynced)
        if ((generation.files.get(path) ?? order) < order) generation.files.delete(path);
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      const file = this.#current;
      try {
        file.handle ??= await this.#create(file);
        const bytes = Buffer.concat(batch.map((w) => w.record));
        await writeFully(file.handle, bytes, file.bytes);
        await file.handle.datasync();
        file.bytes += bytes.length;
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        // The file may now end in a torn record, which later records must not follow: start a new one.
        for (const waiter of batch) waiter.reject(error as Error);
        this.#rotate();
        continue;
      }
      if (file.bytes >= ROTATE_BYTES || performance.now() - file.openedAt >= ROTATE_MS) this.#rotate();
    }
    this.#flushing = undefined;
    // Idle: checkpoint soon, so a quiet store holds no open file and no journal to replay.
    this.#idleTimer = setTimeout(() => {
      if (!this.#flushing && this.#current.handle) this.#rotate();
    }, IDLE_CHECKPOINT_MS);
    this.#idleTimer.unref();
  }

  #nextGeneration(): Generation {
    const name = `${this.#token}.${String(++this.#sequence).padStart(8, '0')}.log`;
    const generation: Generation = {
      name,
      handle: undefined,
      bytes: 0,
      openedAt: 0,
      files: new Map(),
      dirs: new Set(),
    };
    this.#unsynced.add(generation);
    return generation;
  }

  async #create(generation: Generation): Promise<FileHandle> {
    liveJournals.add(generation.name);
    const handle = await open(join(this.#dir, generation.name), 'wx');
    // The new name must survive a crash too, or its records would be lost with it.
    await directoryIo().run({ op: 'syncPaths', files: [], dirs: [this.#dir] });
    generation.openedAt = performance.now();
    return handle;
  }

  /** A new journal takes the next records; the old one is removed once what it covers is synced. */
  #rotate(): void {
    const old = this.#current;
    this.#current = this.#nextGeneration();
    if (old.handle || old.files.size > 0 || old.dirs.size > 0)
      this.#checkpoints = this.#checkpoints.then(() => this.#checkpoint(old));
    else this.#unsynced.delete(old);
  }

  async #checkpoint(old: Generation): Promise<void> {
    try {
      await old.handle?.close();
      // On the background worker, in small jobs: writes never wait behind a checkpoint.
      const files = [...old.files.keys()];
      for (let at = 0; at < files.length; at += CHECKPOINT_BATCH)
        await directoryIo().runInBackground({
          op: 'syncPaths',
          files: files.slice(at, at + CHECKPOINT_BATCH),
          dirs: [],
        });
      const dirs = [...old.dirs];
      for (let at = 0; at < dirs.length; at += CHECKPOINT_BATCH)
        await directoryIo().runInBackground({
          op: 'syncPaths',
          files: [],
          dirs: dirs.slice(at, at + CHECKPOINT_BATCH),
        });
      if (old.handle) await unlink(join(this.#dir, old.name));
      liveJournals.delete(old.name);
    } catch {
      // Kept: the next start replays it, which is harmless (its records are already applied).
    } finally {
      this.#unsynced.delete(old);
    }
  }
}

async function writeFully(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
