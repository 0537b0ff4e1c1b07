import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { RESERVED_SEGMENT_PREFIX } from './keys.ts';

/**
 * File work of the directory store, done by a few worker threads. A durable write is about ten system
 * calls (temp file, write, fsync, close, link, directory fsync…); through `fs/promises` each is its own
 * hop to libuv's thread pool and back, and at thousands of chunk writes a second those hops cost more
 * CPU than the calls. A worker runs a whole job as one synchronous sequence: one message each way.
 * The calls that block (fsync) block a worker, never the event loop.
 */
export type DirectoryJob =
  /**
   * `sync: false` leaves durability to the store's journal (directory-journal.ts). `spares`: the store's
   * folder of recycled files, where temporary files are written and deleted objects retire.
   */
  | { op: 'put'; path: string; bytes: Uint8Array; sync: boolean; spares: string }
  | { op: 'putIfAbsent'; path: string; bytes: Uint8Array; sync: boolean; spares: string }
  | { op: 'get'; path: string; start?: number; end?: number }
  | { op: 'delete'; path: string; root: string; spares: string }
  | { op: 'syncPaths'; files: string[]; dirs: string[] };

interface JobResults {
  put: null;
  putIfAbsent: boolean;
  get: Uint8Array | null;
  delete: null;
  syncPaths: null;
}

interface Reply {
  id: number;
  value?: unknown;
  error?: { code?: string; message: string };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const WORKER_URL = new URL('./directory-io-worker.js', import.meta.url);

/** An fsync holds a worker; a few let writes of different sessions overlap. */
export const DIRECTORY_IO_WORKERS = Math.max(2, Math.min(4, os.availableParallelism() * 2));

/**
 * One worker with at most one batch in flight: jobs that arrive meanwhile wait here and leave together
 * when the batch is answered, so under load a message (and a wake-up) carries many jobs.
 */
class IoWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #outbox: (DirectoryJob & { id: number })[] = [];
  #busy = false;
  #sendQueued = false;
  #dead = false;

  constructor(private readonly onExit: (worker: IoWorker) => void) {
    this.#worker = new Worker(WORKER_URL, { workerData: { tempPrefix: RESERVED_SEGMENT_PREFIX } });
    this.#worker.unref(); // idle workers never keep the process alive; busy ones are ref'd below
    this.#worker.on('message', (replies: Reply[]) => this.#answered(replies));
    this.#worker.on('error', (error) => this.#die(error));
    this.#worker.on('exit', (code) => this.#die(new Error(`directory I/O worker exited with code ${code}`)));
  }

  get load(): number {
    return this.#pending.size;
  }

  run(id: number, job: DirectoryJob): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#outbox.push({ ...job, id });
      if (this.#busy || this.#sendQueued) return;
      // At the end of this tick: jobs submitted together (chunks of several sessions) share one message.
      this.#sendQueued = true;
      process.nextTick(() => {
        this.#sendQueued = false;
        if (!this.#busy && this.#outbox.length > 0) this.#send();
      });
    });
  }

  #send(): void {
    const batch = this.#outbox;
    this.#outbox = [];
    this.#busy = true;
    this.#worker.postMessage(batch);
  }

  #answered(replies: Reply[]): void {
    for (const reply of replies) {
      const pending = this.#pending.get(reply.id);
      if (!pending) continue;
      this.#pending.delete(reply.id);
      if (reply.error)
        pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else pending.resolve(reply.value);
    }
    this.#busy = false;
    if (this.#outbox.length > 0) this.#send();
    else if (this.#pending.size === 0) this.#worker.unref();
  }

  /** A crashed worker fails its jobs (callers retry) and is replaced on the next job. */
  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.onExit(this);
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
    this.#outbox = [];
  }
}

/** The process's pool, shared by every directory store (they are views of one disk). */
class DirectoryIoPool {
  readonly #workers: IoWorker[] = [];
  #background: IoWorker | undefined;
  #nextId = 1;

  constructor(private readonly size: number) {}

  run<K extends DirectoryJob['op']>(job: Extract<DirectoryJob, { op: K }>): Promise<JobResults[K]> {
    return this.#leastLoaded().run(this.#nextId++, job) as Promise<JobResults[K]>;
  }

  /** On a worker of its own: long work (journal checkpoints) never queues ahead of a write. */
  runInBackground<K extends DirectoryJob['op']>(
    job: Extract<DirectoryJob, { op: K }>,
  ): Promise<JobResults[K]> {
    this.#background ??= new IoWorker(() => {
      this.#background = undefined;
    });
    return this.#background.run(this.#nextId++, job) as Promise<JobResults[K]>;
  }

  /** The idlest worker; a new one (up to `size`) when every worker is busy. */
  #leastLoaded(): IoWorker {
    let best: IoWorker | undefined;
    for (const worker of this.#workers) if (!best || worker.load < best.load) best = worker;
    if (best && (best.load === 0 || this.#workers.length >= this.size)) return best;
    const spawned = new IoWorker((gone) => {
      const at = this.#workers.indexOf(gone);
      if (at >= 0) this.#workers.splice(at, 1);
    });
    this.#workers.push(spawned);
    return spawned;
  }
}

let shared: DirectoryIoPool | undefined;

export function directoryIo(): DirectoryIoPool {
  shared ??= new DirectoryIoPool(DIRECTORY_IO_WORKERS);
  return shared;
}
