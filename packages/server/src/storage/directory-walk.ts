import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareKeys, RESERVED_SEGMENT_PREFIX } from './keys.ts';

interface Entry {
  /** The entry's key, with a trailing '/' for directories: every key inside starts with it. */
  sortKey: string;
  isDirectory: boolean;
}

/**
 * Yields the keys under `root` that start with `prefix` and sort after `after`, in UTF-8 byte order,
 * lazily: one directory is read at a time and subtrees that sort entirely before `after` are never opened,
 * so resuming deep in a large tree costs one directory per level, not the whole tree.
 *
 * Sorting a directory's entries by name + '/' for subdirectories gives the global key order, because no
 * entry's sort key is a prefix of a sibling's ('/' never occurs inside a name).
 */
export async function* walkKeys(
  root: string,
  prefix: string,
  after: string | undefined,
): AsyncGenerator<string> {
  const startDir = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  yield* walkDirectory(root, startDir, prefix, after);
}

async function* walkDirectory(
  root: string,
  dirKey: string,
  prefix: string,
  after: string | undefined,
): AsyncGenerator<string> {
  for (const entry of await readEntries(root, dirKey, prefix)) {
    if (entry.isDirectory) {
      // Skip a subtree whose every key is <= after: it sorts before `after` and `after` is not inside it.
      if (after !== undefined && compareKeys(entry.sortKey, after) <= 0 && !after.startsWith(entry.sortKey))
        continue;
      yield* walkDirectory(root, entry.sortKey, prefix, after);
    } else if (after === undefined || compareKeys(entry.sortKey, after) > 0) {
      yield entry.sortKey;
    }
  }
}

async function readEntries(root: string, dirKey: string, prefix: string): Promise<Entry[]> {
  let dirents: import('node:fs').Dirent[];
  try {
    dirents = await readdir(join(root, dirKey), { withFileTypes: true });
  } catch (error) {
    // The directory was never created, or was pruned by a concurrent delete: nothing under it.
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
    throw error;
  }
  const entries: Entry[] = [];
  for (const dirent of dirents) {
    if (dirent.name.startsWith(RESERVED_SEGMENT_PREFIX)) continue; // in-flight temporary file
    const isDirectory = dirent.isDirectory();
    if (!isDirectory && !dirent.isFile()) continue;
    const sortKey = dirKey + dirent.name + (isDirectory ? '/' : '');
    // Keep entries inside the prefix, and directories the prefix continues into ('logs/' for 'logs/seg-').
    if (sortKey.startsWith(prefix) || (isDirectory && prefix.startsWith(sortKey)))
      entries.push({ sortKey, isDirectory });
  }
  return entries.sort((a, b) => compareKeys(a.sortKey, b.sortKey));
}

export function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}
