import { readdir, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { directoryIo } from './directory-io.ts';
import { decodeRecords, type JournalRecord } from './directory-journal-records.ts';
import { RESERVED_SEGMENT_PREFIX } from './keys.ts';

/**
 * Journals of processes that no longer run (a crash): their last record per path is applied, durably,
 * then they are removed. `live`: journals this process has open, never replayed.
 */
export async function replayAbandoned(dir: string, spares: string, live: Set<string>): Promise<void> {
  const names = (await readdir(dir))
    .filter((name) => name.endsWith('.log') && isAbandoned(name, live))
    .sort();
  for (const name of names) {
    const last = new Map<string, JournalRecord>();
    for (const record of decodeRecords(await readFile(join(dir, name)))) last.set(record.path, record);
    for (const record of last.values()) {
      // A record that cannot be applied (its path is now a folder of other keys) must not keep the
      // store from opening; everything else is still replayed.
      await applyRecord(record, dir, spares).catch(() => {});
    }
    await directoryIo().run({ op: 'syncPaths', files: [], dirs: [dir] });
    await unlink(join(dir, name));
  }
}

/** Puts become durable files again, deletes are redone; a 'direct' write was synced on its own. */
async function applyRecord(record: JournalRecord, dir: string, spares: string): Promise<void> {
  if (record.op === 'put') {
    await directoryIo().run({ op: 'put', path: record.path, bytes: record.body, sync: true, spares });
  } else if (record.op === 'delete') {
    await directoryIo().run({ op: 'delete', path: record.path, root: dirname(dir), spares });
  }
}

/** Spare files of processes that no longer run: empty files nobody will reuse. */
export async function removeAbandonedSpares(spares: string): Promise<void> {
  const names = await readdir(spares).catch(() => [] as string[]);
  for (const name of names) {
    const owner = name.slice(RESERVED_SEGMENT_PREFIX.length);
    if (owner.split('-')[0] !== String(process.pid) && isAbandoned(owner.replace('-', '.'), new Set()))
      await unlink(join(spares, name)).catch(() => {});
  }
}

/** Named `{pid}.…`: abandoned when that process is gone (or is a previous incarnation of this pid). */
function isAbandoned(name: string, live: Set<string>): boolean {
  if (live.has(name)) return false;
  const pid = Number(name.split('.')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return true; // a previous incarnation
  try {
    process.kill(pid, 0);
    return false; // that process still runs and replays nothing of ours either
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
