import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, lstat, mkdir, open, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isCode, walkKeys } from './directory-walk.ts';
import { StorageError } from './errors.ts';
import { RESERVED_SEGMENT_PREFIX, toBytes, validateKey, validatePrefix } from './keys.ts';
import {
  type ByteRange,
  type ListOptions,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  resolveListLimit,
  validateRange,
} from './object-store.ts';

/** A concurrent delete may prune a freshly created parent directory; recreate it this many times. */
const PARENT_RACE_ATTEMPTS = 5;

/**
 * Objects as plain files under `root` (key 'a/b.jsonl' → root/a/b.jsonl), for the embedded mode.
 * Writes are atomic and durable: temp file in the same directory, fsync, rename (or link for
 * putIfAbsent), fsync of the directory. Content types are not stored.
 *
 * Limitation of a file tree: a key cannot be both an object and a folder of other keys ('a' and 'a/b');
 * such a write fails with StorageError('key_conflict'). S3 allows it; the platform's layout never needs it.
 */
export class DirectoryObjectStore implements ObjectStore {
  readonly kind = 'directory' as const;
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const target = this.pathOf(key);
    const bytes = toBytes(body);
    await this.inParentDirectory(target, 'put', key, async (dir) => {
      const temp = await writeTempFile(dir, bytes);
      try {
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await fsyncDirectory(dir);
    });
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const target = this.pathOf(key);
    const bytes = toBytes(body);
    return this.inParentDirectory(target, 'putIfAbsent', key, async (dir) => {
      const temp = await writeTempFile(dir, bytes);
      try {
        // link(2) fails with EEXIST if the name exists: exactly one of concurrent writers wins, and the
        // object appears complete because the temp file was fully written and synced first.
        await link(temp, target);
        await fsyncDirectory(dir);
        return true;
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error;
        if ((await lstat(target)).isDirectory()) throw keyConflict(key, 'putIfAbsent');
        return false;
      } finally {
        await rm(temp, { force: true });
      }
    });
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array | null> {
    validateRange(range);
    const path = this.pathOf(key);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw this.fsError(error, 'get', key);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return null;
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? info.size - 1, info.size - 1);
      if (start > end) return new Uint8Array(0);
      const buffer = Buffer.alloc(end - start + 1);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
        if (bytesRead === 0) break; // truncated underneath us: cannot happen with atomic writers
        filled += bytesRead;
      }
      return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
    } catch (error) {
      throw this.fsError(error, 'get', key);
    } finally {
      await handle.close();
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      return await this.infoOf(key);
    } catch (error) {
      throw this.fsError(error, 'head', key);
    }
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
    validatePrefix(prefix);
    const limit = resolveListLimit(opts.limit);
    // The cursor is the last key of the previous page, so it and startAfter mean the same thing.
    const after = opts.cursor ?? opts.startAfter;
    const objects: ObjectInfo[] = [];
    try {
      for await (const key of walkKeys(this.root, prefix, after)) {
        if (objects.length === limit) return { objects, nextCursor: objects[objects.length - 1].key };
        const info = await this.infoOf(key); // null if deleted since the directory was read
        if (info) objects.push(info);
      }
    } catch (error) {
      throw this.fsError(error, 'list', prefix);
    }
    return { objects };
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      // Missing, or a folder of other keys (EISDIR; EPERM on macOS): either way no object to delete.
      if (isMissing(error) || isCode(error, 'EISDIR')) return;
      if (isCode(error, 'EPERM') && (await lstat(path).catch(() => null))?.isDirectory()) return;
      throw this.fsError(error, 'delete', key);
    }
    await this.pruneEmptyParents(dirname(path));
  }

  async check(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      if (!(await stat(this.root)).isDirectory()) throw new Error('not a directory');
      await access(this.root, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw new StorageError(
        'directory_unusable',
        `The storage directory ${this.root} is not usable: ${(error as Error).message}.`,
        {
          hint: "Check that it is a directory and writable by the server's user.",
          operation: 'check',
          cause: error,
        },
      );
    }
  }

  private pathOf(key: string): string {
    return join(this.root, ...validateKey(key).split('/'));
  }

  private async infoOf(key: string): Promise<ObjectInfo | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  private async inParentDirectory<T>(
    target: string,
    operation: string,
    key: string,
    write: (dir: string) => Promise<T>,
  ): Promise<T> {
    const dir = dirname(target);
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dir, { recursive: true });
        return await write(dir);
      } catch (error) {
        if (isCode(error, 'ENOENT') && attempt < PARENT_RACE_ATTEMPTS) continue;
        throw this.fsError(error, operation, key);
      }
    }
  }

  /** Removes now-empty folders up to (not including) the root, so deleted sessions leave no trace. */
  private async pruneEmptyParents(dir: string): Promise<void> {
    for (
      let current = dir;
      current.startsWith(this.root) && current !== this.root;
      current = dirname(current)
    ) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone, or recreated by a writer): stop here
      }
    }
  }

  private fsError(error: unknown, operation: string, key: string): StorageError {
    if (error instanceof StorageError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    const detail = (error as Error).message;
    const where = `${operation} '${key}' under ${this.root}`;
    switch (code) {
      case 'ENOTDIR':
      case 'EISDIR':
      case 'EEXIST':
        return keyConflict(key, operation, error);
      case 'EACCES':
      case 'EPERM':
        return new StorageError('access_denied', `Permission denied during ${where} (${detail}).`, {
          hint: "Check the owner and mode of the storage directory; it must be writable by the server's user.",
          operation,
          cause: error,
        });
      case 'ENOSPC':
      case 'EDQUOT':
        return new StorageError('no_space', `No space left during ${where}.`, {
          hint: 'Free disk space or move the storage directory to a larger volume.',
          operation,
          cause: error,
        });
      case 'EROFS':
        return new StorageError('directory_unusable', `The file system is read-only during ${where}.`, {
          hint: 'Point the storage directory at a writable volume.',
          operation,
          cause: error,
        });
      case 'ENAMETOOLONG':
        return new StorageError('invalid_key', `The key is too long for the file system during ${where}.`, {
          hint: 'Use shorter key segments (at most 255 bytes each).',
          operation,
          cause: error,
        });
      default:
        return new StorageError('unknown', `File system error during ${where}: ${detail}.`, {
          operation,
          cause: error,
        });
    }
  }
}

function keyConflict(key: string, operation: string, cause?: unknown): StorageError {
  return new StorageError(
    'key_conflict',
    `Key '${key}' collides with an object or folder of the same name.`,
    {
      hint: "The directory driver cannot store both 'a' and 'a/…'; choose keys that are never both.",
      operation,
      cause,
    },
  );
}

function isMissing(error: unknown): boolean {
  return isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR');
}

async function writeTempFile(dir: string, bytes: Uint8Array): Promise<string> {
  const temp = join(dir, RESERVED_SEGMENT_PREFIX + randomBytes(8).toString('hex'));
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

/** Makes a rename or link durable: the new directory entry survives a crash. */
async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; the rename itself is still atomic there.
    if (!isCode(error, 'EINVAL') && !isCode(error, 'ENOTSUP')) throw error;
  } finally {
    await handle.close();
  }
}
