import { deleteKeys, type ObjectStore } from '../../storage/index.ts';
import {
  getWithRetry,
  LogConflictError,
  putImmutable,
  type WritePolicy,
  withRetry,
} from './durable-write.ts';
import { decodeGroupRecords } from './group-commit-records.ts';
import { asBuffer } from './jsonl.ts';
import { GROUP_COMMIT_PREFIX, INDEX_KEY, parseChunkKey, sessionFolderOfChunk } from './layout.ts';
import { parseIndex } from './log-index.ts';

export interface GroupCommitRecovery {
  objects: number;
  /** Chunks written into their session folders. */
  restored: number;
  /** Chunks their log had stored already (its index reaches past them). */
  alreadyStored: number;
  /** Chunks whose key holds other bytes: a second writer; left alone and reported. */
  conflicts: string[];
}

/**
 * Writes every chunk still held in the project's group-commit objects into its session folder as an
 * ordinary chunk, then deletes the objects. Run before any log of the project is opened: recoverLog
 * then finds those chunks by listing, exactly as if they had been written one by one.
 *
 * Safe while another process is writing (several instances on one store): a chunk key names its seq
 * range and writer epoch, so a copy written here holds the same bytes its writer's own copy will, and
 * that writer never reads its group-commit objects back.
 */
export async function recoverGroupCommits(
  store: ObjectStore,
  policy: WritePolicy,
): Promise<GroupCommitRecovery> {
  const result: GroupCommitRecovery = { objects: 0, restored: 0, alreadyStored: 0, conflicts: [] };
  const indexedUpTo = new Map<string, number>();
  for (const object of await listAll(store, policy)) {
    const data = await getWithRetry(store, object, policy);
    if (data === null) continue; // its writer deleted it meanwhile
    result.objects++;
    for (const record of decodeGroupRecords(object, asBuffer(data))) {
      const folder = sessionFolderOfChunk(record.key);
      const range = folder && parseChunkKey(record.key.slice(folder.length));
      if (!folder || !range) continue;
      let upTo = indexedUpTo.get(folder);
      if (upTo === undefined) {
        upTo = parseIndex(await getWithRetry(store, folder + INDEX_KEY, policy)).lastSeq;
        indexedUpTo.set(folder, upTo);
      }
      if (range.last <= upTo) {
        result.alreadyStored++;
        continue;
      }
      try {
        await putImmutable(store, record.key, record.bytes, policy);
        result.restored++;
      } catch (error) {
        if (!(error instanceof LogConflictError)) throw error;
        result.conflicts.push(record.key);
      }
    }
    await deleteKeys(store, [object]);
  }
  return result;
}

async function listAll(store: ObjectStore, policy: WritePolicy): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await withRetry(
      GROUP_COMMIT_PREFIX,
      policy,
      () => store.list(GROUP_COMMIT_PREFIX, { cursor }),
      6,
    );
    for (const object of page.objects) keys.push(object.key);
    cursor = page.nextCursor;
  } while (cursor);
  return keys;
}
