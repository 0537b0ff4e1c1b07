import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { directoryIo } from './directory-io.ts';
import { DirectoryJournal, JOURNAL_MAX_BODY, SPARE_FOLDER } from './directory-journal.ts';
import { isCode, walkKeys } from './directory-walk.ts';
import { StorageError } from './errors.ts';
import { toBytes, validateKey, validatePrefix } from './keys.ts';
import {
  type ByteRange,
  type ListOptions,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  resolveListLimit,
  validateRange,
} from './object-store.ts';

/**
 * Objects as plain files under `root` (key 'a/b.jsonl' → root/a/b.jsonl), for the embedded mode.
 * Writes are atomic (a temporary file in the store's spare folder on the same file system, then rename,
 * or link for putIfAbsent) and durable when they resolve: small writes and deletes through the store's
 * journal, which syncs many of them at once (directory-journal.ts), large ones with their own fsync of
 * file and directory. Reads, writes and deletes run on I/O worker threads (directory-io.ts); listings
 * walk the tree here. Content types are not stored.
 *
 * Limitation of a file tree: a key cannot be both an object and a folder of other keys ('a' and 'a/b');
 * such a write fails with StorageError('key_conflict'). S3 allows it; the platform's layout never needs it.
 */
export class DirectoryObjectStore implements ObjectStore {
  readonly kind = 'directory' as const;
  readonly root: string;

  #journal: Promise<DirectoryJournal> | undefined;

  /** Recycled files: temporary files are written here and deleted objects retire here (directory-io-worker.js). */
  private readonly spares: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.spares = join(this.root, SPARE_FOLDER);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(key);
    const bytes = toBytes(body);
    await this.onWorker('put', key, async () => {
      const journal = await this.journal();
      const direct = bytes.length > JOURNAL_MAX_BODY;
      await directoryIo().run({ op: 'put', path, bytes, sync: direct, spares: this.spares });
      await recordWrite(journal, path, bytes, direct);
    });
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const path = this.pathOf(key);
    const bytes = toBytes(body);
    return this.onWorker('putIfAbsent', key, async () => {
      const journal = await this.journal();
      const direct = bytes.length > JOURNAL_MAX_BODY;
      if (await directoryIo().run({ op: 'putIfAbsent', path, bytes, sync: direct, spares: this.spares })) {
        await recordWrite(journal, path, bytes, direct);
        return true;
      }
      // Whoever wrote it may not be synced yet; the caller may now rely on what is there.
      await directoryIo().run({ op: 'syncPaths', files: [path], dirs: [dirname(path)] });
      return false;
    });
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array | null> {
    validateRange(range);
    const path = this.pathOf(key);
    return this.onWorker('get', key, async () => {
      await this.journal();
      return directoryIo().run({ op: 'get', path, start: range?.start, end: range?.end });
    });
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      await this.journal();
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
      await this.journal();
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
    await this.onWorker('delete', key, async () => {
      const journal = await this.journal();
      await directoryIo().run({ op: 'delete', path, root: this.root, spares: this.spares });
      await journal.record('delete', path);
    });
  }

  /** Deletes run in parallel on the I/O workers; their journal records share syncs. */
  async deleteMany(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.delete(key)));
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

  /** Opened on first use: replays the journals a crashed process left before anything is read or written. */
  private journal(): Promise<DirectoryJournal> {
    if (!this.#journal) {
      const opening = DirectoryJournal.open(this.root);
      this.#journal = opening;
      opening.catch(() => {
        if (this.#journal === opening) this.#journal = undefined; // try again on the next call
      });
    }
    return this.#journal;
  }

  /** Runs a job on the I/O workers; their errors become StorageErrors naming the operation and key. */
  private async onWorker<T>(operation: string, key: string, job: () => Promise<T>): Promise<T> {
    try {
      return await job();
    } catch (error) {
      throw this.fsError(error, operation, key);
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

/** A small body travels in the journal record; a large one was synced on its own ('direct'). */
function recordWrite(journal: DirectoryJournal, path: string, bytes: Uint8Array, direct: boolean) {
  return direct ? journal.record('direct', path) : journal.record('put', path, bytes);
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
