import { StorageError } from '../../../src/storage/errors.ts';
import { deleteKeys, type ObjectStore } from '../../../src/storage/object-store.ts';

export type FaultableOperation = 'put' | 'putIfAbsent' | 'delete' | 'get' | 'head' | 'list';

export interface FaultOptions {
  /** Share of affected calls that fail at once with a retryable StorageError('unavailable'), nothing written. */
  failRate: number;
  /** Share of affected calls that hang for `timeoutMs`, then fail with a retryable StorageError('timeout'). */
  timeoutRate?: number;
  timeoutMs?: number;
  /** Replayable runs pass a seeded generator (`seeded()` from @rfe/testkit). Default Math.random. */
  rng?: () => number;
  /** Which calls may fail. Default: the writes (put, putIfAbsent, delete). */
  operations?: FaultableOperation[];
  /**
   * Whether a timed-out write is applied before the timeout is reported — the "unknown outcome" that
   * retries must tolerate. Default true.
   */
  applyBeforeTimeout?: boolean;
}

export interface FaultyStore extends ObjectStore {
  /** How many faults were injected so far, so a chaos test can prove it exercised something. */
  readonly injected: { failures: number; timeouts: number };
}

const WRITES: FaultableOperation[] = ['put', 'putIfAbsent', 'delete'];

/** Wraps a real store so a share of its calls fail or hang: chaos tests of the code above the store. */
export function withFaults(store: ObjectStore, options: FaultOptions): FaultyStore {
  const rng = options.rng ?? Math.random;
  const timeoutRate = options.timeoutRate ?? 0;
  const timeoutMs = options.timeoutMs ?? 1000;
  const affected = new Set(options.operations ?? WRITES);
  const applyBeforeTimeout = options.applyBeforeTimeout ?? true;
  const injected = { failures: 0, timeouts: 0 };

  async function run<T>(operation: FaultableOperation, call: () => Promise<T>): Promise<T> {
    if (!affected.has(operation)) return call();
    const roll = rng();
    if (roll < options.failRate) {
      injected.failures++;
      throw new StorageError('unavailable', `Injected failure of ${operation}.`, { operation });
    }
    if (roll < options.failRate + timeoutRate) {
      injected.timeouts++;
      const applied = applyBeforeTimeout ? call().catch(() => undefined) : Promise.resolve();
      await Promise.all([applied, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      throw new StorageError('timeout', `Injected timeout of ${operation} after ${timeoutMs} ms.`, {
        operation,
      });
    }
    return call();
  }

  return {
    kind: store.kind,
    injected,
    put: (key, body, opts) => run('put', () => store.put(key, body, opts)),
    putIfAbsent: (key, body, opts) => run('putIfAbsent', () => store.putIfAbsent(key, body, opts)),
    delete: (key) => run('delete', () => store.delete(key)),
    deleteMany: (keys) => run('delete', () => deleteKeys(store, keys)),
    get: (key, range) => run('get', () => store.get(key, range)),
    head: (key) => run('head', () => store.head(key)),
    list: (prefix, opts) => run('list', () => store.list(prefix, opts)),
    check: () => store.check(),
  };
}
