import {
  appendFile,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_MAX_BODY } from './directory-journal.ts';
import { decodeRecords } from './directory-journal-records.ts';
import { DirectoryObjectStore } from './directory-store.ts';

let root: string;
const journalDir = () => join(root, '.rfe-tmp-journal');
const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString());

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rfe-journal-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A pid no process has: what a crashed server's journal is named after once it is gone. */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid++) {
    try {
      process.kill(pid, 0);
    } catch {
      return pid;
    }
  }
}

/** The journals on disk now, renamed as if their process had died (a crash, seen by the next start). */
async function orphanJournals(): Promise<string[]> {
  const names = await readdir(journalDir());
  const orphaned = names.map((name) => name.replace(/^\d+\./, `${deadPid()}.`));
  for (const [k, name] of names.entries())
    await rename(join(journalDir(), name), join(journalDir(), orphaned[k]));
  return orphaned;
}

describe('DirectoryObjectStore journal (group commit, crash replay)', () => {
  it('records every small mutation once, in order, and a large body as a direct write', async () => {
    const store = new DirectoryObjectStore(root);
    await Promise.all(Array.from({ length: 50 }, (_, k) => store.putIfAbsent(`s/chunk-${k}`, `m${k}`)));
    await store.put('s/index.json', '{"v":1}');
    await store.delete('s/chunk-0');
    await store.put('s/big', Buffer.alloc(JOURNAL_MAX_BODY + 1, 1));
    const [name] = await readdir(journalDir());
    const records = decodeRecords(await readFile(join(journalDir(), name)));
    expect(records).toHaveLength(53);
    expect(records.filter((r) => r.op === 'put').map((r) => r.body.toString())).toContain('m49');
    expect(records.slice(-3).map((r) => [r.op, r.path.slice(root.length + 1)])).toEqual([
      ['put', 's/index.json'],
      ['delete', 's/chunk-0'],
      ['direct', 's/big'],
    ]);
    expect(records[records.length - 1].body.length).toBe(0); // large bodies are not copied
  });

  it('after a crash, replays what the files lost: last record per key wins, deletes stay deleted', async () => {
    const store = new DirectoryObjectStore(root);
    await store.put('s/a', 'a1');
    await store.put('s/a', 'a2');
    await store.putIfAbsent('s/b', 'b');
    await store.put('s/gone', 'x');
    await store.delete('s/gone');
    await store.put('s/big', Buffer.alloc(JOURNAL_MAX_BODY + 1, 7));
    await orphanJournals();
    // What a power cut can do to writes that were never synced: lost, torn, a delete undone.
    await unlink(join(root, 's/a'));
    await truncate(join(root, 's/b'), 0);
    await writeFile(join(root, 's/gone'), 'x');

    const restarted = new DirectoryObjectStore(root);
    expect(text(await restarted.get('s/a'))).toBe('a2');
    expect(text(await restarted.get('s/b'))).toBe('b');
    expect(await restarted.get('s/gone')).toBeNull();
    expect((await restarted.get('s/big'))?.length).toBe(JOURNAL_MAX_BODY + 1); // direct: synced on its own
    expect(await readdir(journalDir())).toEqual([]); // replayed journals are removed
  });

  it('stops at a torn record: what follows a partial write was never acknowledged', async () => {
    const store = new DirectoryObjectStore(root);
    await store.put('s/one', '1');
    await store.put('s/two', '2');
    const [name] = await orphanJournals();
    const path = join(journalDir(), name);
    const bytes = await readFile(path);
    const [first] = decodeRecords(bytes);
    const firstLength = bytes.readUInt32LE(0);
    await writeFile(path, bytes.subarray(0, firstLength + 7)); // the second record cut short
    await appendFile(path, Buffer.from('garbage'));
    await unlink(join(root, 's/one'));
    await unlink(join(root, 's/two'));

    const restarted = new DirectoryObjectStore(root);
    expect(first.path.endsWith('s/one')).toBe(true);
    expect(text(await restarted.get('s/one'))).toBe('1');
    expect(await restarted.get('s/two')).toBeNull();
  });

  it("does not replay a journal of a process that still runs (another store's, or this process's)", async () => {
    const store = new DirectoryObjectStore(root);
    await store.put('s/a', 'a');
    const [name] = await readdir(journalDir());
    await unlink(join(root, 's/a'));
    const second = new DirectoryObjectStore(root); // same process: the first store's journal is live
    expect(await second.get('s/a')).toBeNull();
    expect(await readdir(journalDir())).toEqual([name]);
  });

  it('checkpoints when idle: files synced, journal removed, nothing left to replay', async () => {
    const store = new DirectoryObjectStore(root);
    for (let k = 0; k < 20; k++) await store.put(`s/${k}`, String(k));
    expect(await readdir(journalDir())).toHaveLength(1);
    const deadline = Date.now() + 10_000;
    while ((await readdir(journalDir())).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readdir(journalDir())).toEqual([]);
    expect(text(await store.get('s/19'))).toBe('19');
    await store.put('s/after', 'still works'); // a new journal file takes the next records
    expect(await readdir(journalDir())).toHaveLength(1);
  });
});
