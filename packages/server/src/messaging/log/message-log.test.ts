import { afterEach, describe, expect, it } from 'vitest';
import {
  lineFor,
  openLog,
  recording,
  runOf,
  tempStore,
} from '../../../test/support/messaging/log-fixture.ts';
import { withFaults } from '../../../test/support/storage/faulty-store.ts';
import { scopedStore } from '../../storage/index.ts';
import { LogConflictError } from './durable-write.ts';
import { encodeRun, seqOfLine } from './jsonl.ts';
import { chunkKey, INDEX_KEY, sessionLogPrefix } from './layout.ts';
import { parseIndex } from './log-index.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function sessionStore() {
  const t = tempStore();
  cleanups.push(t.remove);
  return { ...t, session: scopedStore(t.store, sessionLogPrefix('w1', 's1')) };
}

const seqs = (lines: { seq: number }[]) => lines.map((l) => l.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

async function appendMany(
  log: { appendBatch: (r: ReturnType<typeof runOf>) => Promise<void>; lastSeq: number },
  batches: number,
  size: number,
) {
  for (let b = 0; b < batches; b++) await log.appendBatch(runOf(log.lastSeq + 1, size));
}

describe('MessageLog', () => {
  it('stores each batch as an immutable chunk named by its seq range, under the session folder', async () => {
    const { store, session } = sessionStore();
    const { log } = await openLog(session);
    await log.appendBatch(runOf(1, 3));
    await log.appendBatch(runOf(4, 2));
    const keys = (await store.list('rfe_workflows/')).objects.map((o) => o.key);
    expect(keys).toEqual([
      'rfe_workflows/w1/sessions/s1/chunks/000000000001-000000000003-e1.jsonl',
      'rfe_workflows/w1/sessions/s1/chunks/000000000004-000000000005-e1.jsonl',
      'rfe_workflows/w1/sessions/s1/index.json', // written first: it records the writer epoch
    ]);
    expect(seqs(await log.readPage(0, 100))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(await log.readPage(2, 2))).toEqual([3, 4]);
    expect(await log.readPage(5, 10)).toEqual([]);
    await log.close();
  });

  it('refuses an append that would leave a gap or reuse a seq', async () => {
    const { session } = sessionStore();
    const { log } = await openLog(session);
    await log.appendBatch(runOf(1, 2));
    await expect(log.appendBatch(runOf(4, 1))).rejects.toThrow(/does not follow seq 2/);
    await expect(log.appendBatch(runOf(2, 1))).rejects.toThrow(/does not follow seq 2/);
  });

  it('merges chunks in levels and rolls over into messages-NNNN.jsonl segments; readers see one sequence', async () => {
    const { store, session } = sessionStore();
    const { log } = await openLog(session, { mergeFanIn: 4, segmentBytes: 40_000 });
    await appendMany(log, 60, 10); // 600 messages of ~190 bytes: ~114 kB, about three segments
    await log.compacted(); // compaction runs behind the appends; let it catch up
    await log.close();
    const keys = (await store.list('rfe_workflows/')).objects.map((o) => o.key.split('/').slice(4).join('/'));
    expect(keys.filter((k) => k.startsWith('messages-'))).toEqual([
      'messages-0001.jsonl',
      'messages-0002.jsonl',
    ]);
    expect(keys.filter((k) => k.startsWith('chunks/')).length).toBeLessThan(12);
    const index = parseIndex(await session.get(INDEX_KEY));
    expect(index.lastSeq).toBe(600);
    expect(index.segments.map((s) => s.bytes >= 40_000)).toEqual([true, true]);
    expect(seqs(await log.readPage(0, 1000))).toEqual(range(1, 600));
    for (const after of [0, 199, 211, 388, 590])
      expect(seqs(await log.readPage(after, 7))).toEqual(range(after + 1, after + 7).filter((s) => s <= 600));
  });

  it('reads a page from the middle of a long log with one ranged GET, never listing or reading it whole', async () => {
    const { session } = sessionStore();
    const { log } = await openLog(session, { segmentBytes: 400_000 });
    await appendMany(log, 40, 256); // 10,240 messages: several segments
    await log.seal();
    await log.close();
    const recorded = recording(session);
    const { log: reader } = await openLog(recorded.store);
    recorded.calls.length = 0;
    const page = await reader.readPage(5000, 100);
    expect(seqs(page)).toEqual(range(5001, 5100));
    expect(recorded.calls.map((c) => c.op)).toEqual(['get']);
    const fetched = recorded.calls[0].bytes ?? 0;
    expect(fetched).toBeLessThan(2 * 256 * Buffer.byteLength(lineFor(5000)));
    expect(recorded.calls[0].range).toBeDefined();
  });

  it('after a restart continues from storage: the index plus only the chunks newer than it', async () => {
    const { session } = sessionStore();
    const first = await openLog(session, { indexDebounceMs: 60_000 });
    await appendMany(first.log, 3, 5);
    await first.log.writeIndex(); // index knows 1‥15
    await appendMany(first.log, 2, 5); // 16‥25 only in chunks
    // killed: no close, no further index write
    const recorded = recording(session);
    const { log, tail } = await openLog(recorded.store);
    expect(log.lastSeq).toBe(25);
    expect(seqs(tail)).toEqual(range(16, 25));
    const lists = recorded.calls.filter((c) => c.op === 'list');
    expect(lists).toEqual([{ op: 'list', key: 'chunks/', startAfter: 'chunks/000000000015-~' }]);
    await log.appendBatch(runOf(26, 1));
    expect(seqs(await log.readPage(0, 100))).toEqual(range(1, 26));
  });

  it('a compaction interrupted before its index was written leaves garbage, never a hole', async () => {
    const { store, session } = sessionStore();
    const first = await openLog(session, { indexDebounceMs: 60_000 });
    await appendMany(first.log, 4, 5);
    // A merge of 1‥20 that was written but never recorded in the index, as after a crash.
    const merged = Buffer.concat(
      await Promise.all(
        [1, 6, 11, 16].map(async (f) => Buffer.from((await session.get(chunkKey(f, f + 4, 1)))!)),
      ),
    );
    await session.putIfAbsent(chunkKey(1, 20, 1), merged);
    const { log } = await openLog(session);
    expect(log.lastSeq).toBe(20);
    expect(seqs(await log.readPage(0, 100))).toEqual(range(1, 20));
    await log.appendBatch(runOf(21, 5));
    await log.seal();
    const left = (await store.list('rfe_workflows/')).objects.map((o) => o.key.split('/').slice(4).join('/'));
    expect(left.sort()).toEqual(['index.json', 'messages-0001.jsonl']);
    expect(seqs(await log.readPage(0, 100))).toEqual(range(1, 25));
  });

  it('a write whose answer was lost counts as written; other bytes under the key mean a second writer', async () => {
    const { session } = sessionStore();
    let calls = 0;
    // The first chunk write times out after it was applied (the answer is lost); later calls succeed.
    const flaky = withFaults(session, {
      failRate: 0,
      timeoutRate: 0.5,
      timeoutMs: 1,
      operations: ['putIfAbsent'],
      rng: () => (calls++ === 0 ? 0.1 : 0.9),
    });
    const { log: a } = await openLog(flaky);
    await a.appendBatch(runOf(1, 3));
    expect(flaky.injected.timeouts).toBe(1);
    expect(seqs(await a.readPage(0, 10))).toEqual([1, 2, 3]);

    const other = sessionStore();
    await other.session.putIfAbsent(
      chunkKey(1, 2, 1),
      encodeRun([lineFor(1, 'elsewhere'), lineFor(2)], 1).bytes,
    );
    const { log: b } = await openLog(other.session);
    await expect(b.appendBatch(runOf(1, 2))).rejects.toBeInstanceOf(LogConflictError);
  });

  it('ignores a chunk that a dead writer stored after its successor took over', async () => {
    const { session } = sessionStore();
    const dead = await openLog(session, { indexDebounceMs: 60_000 });
    await dead.log.appendBatch(runOf(1, 5)); // epoch 1
    const next = await openLog(session);
    await next.log.appendBatch(runOf(6, 2)); // epoch 2 owns seq 6 onwards
    // The dead writer's pipelined write of 6‥9 lands only now.
    await session.putIfAbsent(
      chunkKey(6, 9, 1),
      encodeRun(
        [6, 7, 8, 9].map((n) => lineFor(n, 'late')),
        6,
      ).bytes,
    );
    const { log } = await openLog(session);
    expect(log.lastSeq).toBe(7);
    const page = await log.readPage(5, 10);
    expect(page.map((l) => JSON.parse(l.line).payload.text)).toEqual(['message 6', 'message 7']);
  });

  it('sealing extends a segment below the limit; offsets taken from the old index still read the same bytes', async () => {
    const { session } = sessionStore();
    const { log } = await openLog(session);
    await appendMany(log, 3, 10);
    await log.seal();
    const before = parseIndex(await session.get(INDEX_KEY)).segments[0];
    await appendMany(log, 2, 10);
    await log.seal();
    const after = parseIndex(await session.get(INDEX_KEY));
    expect(after.segments.map((s) => [s.key, s.first, s.last])).toEqual([['messages-0001.jsonl', 1, 50]]);
    const old = await session.get(before.key, { start: 0, end: before.bytes - 1 });
    expect(Buffer.from(old!).toString().trim().split('\n').map(seqOfLine)).toEqual(range(1, 30));
  });

  it('rebuilds the recent tail from the end of the log within a byte budget', async () => {
    const { session } = sessionStore();
    const { log } = await openLog(session);
    await appendMany(log, 20, 100);
    await log.seal();
    expect(seqs(await log.readTail(500, 16 * 1024 * 1024))).toEqual(range(1501, 2000));
    const small = await log.readTail(5000, 50_000);
    expect(small.length).toBeGreaterThan(0);
    expect(small.length).toBeLessThan(600);
    expect(small[small.length - 1].seq).toBe(2000);
  });
});
