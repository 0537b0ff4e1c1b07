import { StorageError } from './errors.ts';

/**
 * The directory driver's own files and folders (temporary and spare files, its journal) start with this;
 * keys may not, so they never collide and listings skip them.
 */
export const RESERVED_SEGMENT_PREFIX = '.rfe-tmp-';

/** S3's limit; the directory driver inherits it so keys stay portable between drivers. */
const MAX_KEY_BYTES = 1024;

function invalid(key: string, reason: string): StorageError {
  return new StorageError('invalid_key', `Invalid object key ${JSON.stringify(key)}: ${reason}.`, {
    hint: "Keys are '/'-separated relative paths without empty, '.' or '..' segments.",
  });
}

/** Throws StorageError('invalid_key') unless `key` is a portable relative object key; returns it. */
export function validateKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(String(key), 'empty');
  if (key.includes('\0')) throw invalid(key, 'contains NUL');
  if (key.includes('\\')) throw invalid(key, 'contains a backslash');
  if (key.startsWith('/')) throw invalid(key, 'starts with /');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw invalid(key, `longer than ${MAX_KEY_BYTES} bytes`);
  for (const segment of key.split('/')) {
    if (segment === '') throw invalid(key, 'has an empty segment');
    if (segment === '.' || segment === '..') throw invalid(key, `has a '${segment}' segment`);
    if (segment.startsWith(RESERVED_SEGMENT_PREFIX))
      throw invalid(key, `uses the reserved '${RESERVED_SEGMENT_PREFIX}' prefix`);
  }
  return key;
}

/** A list prefix is '' or a key, optionally ending in '/', possibly stopping mid-segment ('logs/messages-00'). */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  validateKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/** A scope prefix names a folder: a valid key, normalised to end with '/'. */
export function normalizeScope(prefix: string): string {
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return `${validateKey(trimmed)}/`;
}

/** S3 orders keys by their UTF-8 bytes, which differs from JS string order for astral characters. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}
