import { afterEach, describe, expect, it } from 'vitest';
import {
  openLog,
  recording,
  runOf,
  tempStore,
  testPolicy,
} from '../../../test/support/messaging/log-fixture.ts';
import { type ObjectStore, scopedStore } from '../../storage/index.ts';
import { GroupCommitLog } from './group-commit.ts';
import { decodeGroupRecords, encodeGroupRecords } from './group-commit-records.ts';
import { recoverGroupCommits } from './group-commit-recovery.ts';
import { GROUP_COMMIT_PREFIX, INDEX_KEY, sessionLogPrefix } from './layout.ts';
import { parseIndex } from './log-index.ts';
import { FRESH_BYTES, type MessageLog } from './message-log.ts';
import { LogCorruptError } from './read-range.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function projectStore() {
  const t = tempStore();
  cleanups.push(t.remove);
  return t;
}

const groupCommit = (store: ObjectStore) =>
  new GroupCommitLog(
    store,
    testPolicy(),
    { writesInFlight: 1, intervalMs: 0, maxObjectBytes: 1 << 20 },
    (error) => {
      throw error;
    },
  );

/** A session's log writing through `group`; staged chunks stay staged until the test stores them. */
async function sessionLog(store: ObjectStore, group: GroupCommitLog, session: string) {
  const folder = sessionLogPrefix('w1', session);
  const { log } = await openLog(scopedStore(store, folder), {
    groupCommit: { log: group, folder, stageMs: 60_000 },
  });
  await log.seal(); // claims the writer epoch now, so the appends below leave in the same turn
  return log;
}

const keysUnder = async (store: ObjectStore, prefix: string) =>
  (await store.list(prefix)).objects.map((o) => o.key);
const chunksOf = async (store: ObjectStore, session: string) =>
  (await keysUnder(store, `${sessionLogPrefix('w1', session)}chunks/`)).map((k) => k.split('/').pop());
const seqs = async (log: MessageLog) => (await log.readPage(0, 1000)).map((l) => l.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

describe('cross-session group commit', () => {
  it('chunks of many sessions appended together share one write; readable at once, stored in their folders later', async () => {
    const { store } = projectStore();
    const recorded = recording(store);
    const group = groupCommit(recorded.store);
    const names = ['s1', 's2', 's3', 's4', 's5'];
    const logs = await Promise.all(names.map((s) => sessionLog(recorded.store, group, s)));
    const groupWrites = () =>
      recorded.calls.filter((c) => c.key.startsWith(GROUP_COMMIT_PREFIX) && c.op === 'put');

    await Promise.all(logs.map((log) => log.appendBatch(runOf(1, 3))));
    expect(groupWrites()).toHaveLength(1); // five chunks, one request
    await Promise.all(logs.map((log) => log.appendBatch(runOf(4, 2))));
    expect(groupWrites()).toHaveLength(2);

    // Durable and readable, but not in the session folders yet; their indexes do not claim them.
    for (const [k, log] of logs.entries()) {
      expect(await seqs(log)).toEqual(range(1, 5));
      expect(await chunksOf(store, names[k])).toEqual([]);
      expect(log.indexFile()).toMatchObject({ lastSeq: 0, chunks: [] });
    }
    expect(await keysUnder(store, GROUP_COMMIT_PREFIX)).toHaveLength(2);

    await Promise.all(logs.map((log) => log.storeStaged()));
    await group.close();
    for (const [k, log] of logs.entries()) {
      expect(await chunksOf(store, names[k])).toEqual(['000000000001-000000000005-e1.jsonl']);
      expect(log.indexFile()).toMatchObject({ lastSeq: 5, chunks: [{ first: 1, last: 5 }] });
      expect(await seqs(log)).toEqual(range(1, 5));
      await log.close();
    }
    expect(await keysUnder(store, GROUP_COMMIT_PREFIX)).toEqual([]); // every chunk stored: objects gone
  });

  it('memory stays bounded: only the newest 4 MiB of stored chunks are held, older pages are read back', async () => {
    const { store } = projectStore();
    const group = groupCommit(store);
    const log = await sessionLog(store, group, 's1');
    for (let batch = 0; batch < 4; batch++) {
      await log.appendBatch(runOf(log.lastSeq + 1, 10_000)); // ~2 MB each
      await log.storeStaged();
    }
    expect(log.heldBytes).toBeLessThanOrEqual(FRESH_BYTES);
    expect(log.heldBytes).toBeGreaterThan(0);
    const page = await log.readPage(5_000, 3); // from the first chunk, no longer in memory
    expect(page.map((l) => l.seq)).toEqual([5_001, 5_002, 5_003]);
    await log.close();
    await group.close();
  });

  it('a crash before staged chunks reach their folders loses nothing: recovery writes them, the logs continue', async () => {
    const { store } = projectStore();
    const group = groupCommit(store);
    const [a, b] = [await sessionLog(store, group, 'a'), await sessionLog(store, group, 'b')];
    await Promise.all([a.appendBatch(runOf(1, 3)), b.appendBatch(runOf(1, 4))]); // one shared object
    await a.storeStaged();
    await a.writeIndex(); // a's index now reaches seq 3
    await a.appendBatch(runOf(4, 3)); // staged only
    // Crash: no close, no storeStaged. The shared object still holds a 1‥3 and b 1‥4.

    const recovered = await recoverGroupCommits(store, testPolicy());
    expect(recovered).toEqual({ objects: 2, restored: 2, alreadyStored: 1, conflicts: [] });
    expect(await keysUnder(store, GROUP_COMMIT_PREFIX)).toEqual([]);
    expect(await chunksOf(store, 'a')).toEqual([
      '000000000001-000000000003-e1.jsonl',
      '000000000004-000000000006-e1.jsonl',
    ]);

    for (const [session, last] of [
      ['a', 6],
      ['b', 4],
    ] as const) {
      const { log, tail } = await openLog(scopedStore(store, sessionLogPrefix('w1', session)));
      expect(log.lastSeq).toBe(last);
      expect(tail.length).toBeGreaterThan(0);
      expect(await seqs(log)).toEqual(range(1, last));
      await log.appendBatch(runOf(last + 1, 1)); // the next seq follows; nothing is reused
      expect(await seqs(log)).toEqual(range(1, last + 1));
      await log.close();
    }
  });

  it('recovery is idempotent: run twice (or by two processes), the second finds nothing to do', async () => {
    const { store } = projectStore();
    const group = groupCommit(store);
    const log = await sessionLog(store, group, 's1');
    await log.appendBatch(runOf(1, 2));
    expect((await recoverGroupCommits(store, testPolicy())).restored).toBe(1);
    expect(await recoverGroupCommits(store, testPolicy())).toEqual({
      objects: 0,
      restored: 0,
      alreadyStored: 0,
      conflicts: [],
    });
    // The writer, still alive, stores its staged chunk as usual: same bytes under the same key.
    await log.storeStaged();
    await log.close();
    expect(parseIndex(await store.get(`${sessionLogPrefix('w1', 's1')}${INDEX_KEY}`)).lastSeq).toBe(2);
  });

  it('storeUnreleased writes a broken log’s staged chunks into its folder before the session is reopened', async () => {
    const { store } = projectStore();
    const group = groupCommit(store);
    const log = await sessionLog(store, group, 's1');
    await log.appendBatch(runOf(1, 2));
    await log.appendBatch(runOf(3, 2));
    await group.storeUnreleased(sessionLogPrefix('w1', 's1'));
    await group.close();
    expect(await keysUnder(store, GROUP_COMMIT_PREFIX)).toEqual([]);
    const { log: reopened } = await openLog(scopedStore(store, sessionLogPrefix('w1', 's1')));
    expect(await seqs(reopened)).toEqual(range(1, 4));
  });

  it('records round-trip byte for byte; a damaged object is reported with the object and the offset', () => {
    const records = [
      {
        key: 'rfe_workflows/w1/sessions/s1/chunks/000000000001-000000000001-e1.jsonl',
        bytes: runOf(1, 1).bytes,
      },
      {
        key: 'rfe_workflows/w1/sessions/s2/chunks/000000000001-000000000002-e1.jsonl',
        bytes: runOf(1, 2).bytes,
      },
    ];
    const data = encodeGroupRecords(records);
    expect(decodeGroupRecords('o', data)).toEqual(records);
    expect(() => decodeGroupRecords('o.log', data.subarray(0, data.length - 5))).toThrow(LogCorruptError);
    expect(() => decodeGroupRecords('o.log', data.subarray(0, data.length - 5))).toThrow(
      /o\.log: record .*cut short/,
    );
    expect(() => decodeGroupRecords('o.log', Buffer.from('nonsense\n'))).toThrow(
      /o\.log: record header at byte 0 is not JSON/,
    );
  });
});
