import { StorageError } from './errors.ts';
import { normalizeScope, validateKey, validatePrefix } from './keys.ts';

export interface ObjectInfo {
  key: string;
  size: number;
  /** Unquoted; for S3 the MD5 of single-part uploads. The directory driver leaves it unset. */
  etag?: string;
  lastModified?: Date;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}

/** Inclusive end, like HTTP Range. An end past the object is clamped; a start past it yields no bytes. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface PutOptions {
  contentType?: string;
}

export interface ListOptions {
  cursor?: string;
  /** Page size, default 1000. */
  limit?: number;
  /** Only keys strictly greater than this (full key, not relative to the prefix). Ignored with a cursor. */
  startAfter?: string;
}

/**
 * Flat key → bytes storage with no append: the one seam between the platform and its storage
 * (local directory or S3-compatible). Keys are '/'-separated relative paths, listed in UTF-8 byte order.
 * Failures are StorageError values with a code.
 */
export interface ObjectStore {
  readonly kind: 'directory' | 's3';
  /** Creates or replaces the object atomically: readers see the old bytes or the new, never a mix. */
  put(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<void>;
  /** Writes only if the key does not exist: true if written, false if it existed. */
  putIfAbsent(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<boolean>;
  /** The object's bytes (or the requested range), null when it does not exist. */
  get(key: string, range?: ByteRange): Promise<Uint8Array | null>;
  head(key: string): Promise<ObjectInfo | null>;
  list(prefix: string, opts?: ListOptions): Promise<ListPage>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** Deletes many keys in as few requests as the store allows (S3: 1,000 per request). Use `deleteKeys`. */
  deleteMany?(keys: string[]): Promise<void>;
  /** Readiness probe: resolves when the store is reachable and usable, throws StorageError otherwise. */
  check(): Promise<void>;
}

export const DEFAULT_LIST_LIMIT = 1000;

/** Deletes `keys` with the store's batch delete when it has one, else one delete per key in parallel. */
export async function deleteKeys(store: ObjectStore, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  if (store.deleteMany) await store.deleteMany(keys);
  else await Promise.all(keys.map((key) => store.delete(key)));
}

export function resolveListLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(value) || value < 1) {
    throw new StorageError('invalid_argument', `The list limit must be a positive integer, got ${limit}.`);
  }
  return value;
}

/** A view of `store` in which every key lives under `prefix` (a managed project's prefix, a session folder). */
export function scopedStore(store: ObjectStore, prefix: string): ObjectStore {
  const scope = normalizeScope(prefix);
  const inner = (key: string) => scope + validateKey(key);
  return {
    kind: store.kind,
    put: (key, body, opts) => store.put(inner(key), body, opts),
    putIfAbsent: (key, body, opts) => store.putIfAbsent(inner(key), body, opts),
    get: (key, range) => store.get(inner(key), range),
    head: async (key) => {
      const info = await store.head(inner(key));
      return info && { ...info, key };
    },
    list: async (listPrefix, opts = {}) => {
      validatePrefix(listPrefix);
      const startAfter = opts.startAfter === undefined ? undefined : scope + opts.startAfter;
      const page = await store.list(scope + listPrefix, { ...opts, startAfter });
      const objects = page.objects.map((info) => ({ ...info, key: info.key.slice(scope.length) }));
      return page.nextCursor === undefined ? { objects } : { objects, nextCursor: page.nextCursor };
    },
    delete: (key) => store.delete(inner(key)),
    deleteMany: (keys) => deleteKeys(store, keys.map(inner)),
    check: () => store.check(),
  };
}

export function validateRange(range: ByteRange | undefined): void {
  if (range === undefined) return;
  const { start, end } = range;
  const ok =
    Number.isSafeInteger(start) &&
    start >= 0 &&
    (end === undefined || (Number.isSafeInteger(end) && end >= start));
  if (!ok) {
    throw new StorageError('invalid_range', `Invalid byte range ${JSON.stringify(range)}.`, {
      hint: 'start must be a non-negative integer and end, when given, an integer not below start.',
    });
  }
}
