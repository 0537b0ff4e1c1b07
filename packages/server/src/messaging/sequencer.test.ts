import type { Envelope } from '@rfe/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { openLog, tempStore } from '../../test/support/messaging/log-fixture.ts';
import type { ObjectStore } from '../storage/index.ts';
import { Limiter } from './log/limiter.ts';
import { RecentIds } from './recent-ids.ts';
import { type ChunkStages, type PersistedBatch, Sequencer, type SequencerSettings } from './sequencer.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A store whose chunk writes wait until the test lets them through (all, or one by key). */
function gatedStore(inner: ObjectStore) {
  const gates: (() => void)[] = [];
  const byKey = new Map<string, () => void>();
  let open = false;
  const store: ObjectStore = {
    kind: inner.kind,
    put: (key, body) => inner.put(key, body),
    get: (key, range) => inner.get(key, range),
    head: (key) => inner.head(key),
    list: (prefix, opts) => inner.list(prefix, opts),
    delete: (key) => inner.delete(key),
    check: () => inner.check(),
    putIfAbsent: async (key, body) => {
      if (!open) {
        await new Promise<void>((resolve) => {
          gates.push(resolve);
          byKey.set(key, resolve);
        });
      }
      return inner.putIfAbsent(key, body);
    },
  };
  return {
    store,
    releaseKey: (prefix: string) => {
      for (const [key, go] of byKey) if (key.startsWith(prefix)) go();
    },
    release: () => {
      open = true;
      for (const g of gates.splice(0)) g();
    },
    waiting: () => gates.length,
  };
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const settings: SequencerSettings = {
  flushMessages: 4,
  flushBytes: 256 * 1024,
  flushIntervalMs: 5,
  maxPendingBytes: 1 << 20,
  maxChunksInFlight: 2,
};
const message = (n: number): Envelope => ({
  id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
  sessionId: 's1',
  ts: '2025-01-01T00:00:00.000Z',
  type: 'log',
  level: 'info',
  origin: 'runner',
  payload: { text: `m${n}` },
});

async function setup(mayAcknowledge?: () => boolean) {
  const t = tempStore();
  cleanups.push(t.remove);
  const gate = gatedStore(t.store);
  const { log } = await openLog(gate.store);
  const events: string[] = [];
  const batches: PersistedBatch[] = [];
  const stages: ChunkStages[] = [];
  const sequencer = new Sequencer(
    's1',
    log,
    new RecentIds(100),
    settings,
    {
      onPersisted: (b) => {
        events.push(`fan-out ${b.first}-${b.last}`);
        batches.push(b);
      },
      onFlushed: () => {},
      onStages: (s) => stages.push(s),
      onDuplicate: () => events.push('duplicate'),
      onFailed: (e) => events.push(`failed ${e.message}`),
      ...(mayAcknowledge ? { mayAcknowledge } : {}),
    },
    new Limiter(16),
  );
  return { gate, log, sequencer, events, batches, stages };
}

describe('Sequencer', () => {
  it('acknowledges nothing once the writer lease is gone: stored chunks fail their producers, nothing is fanned out', async () => {
    let leased = true;
    const { gate, sequencer, events } = await setup(() => leased);
    gate.release();
    await sequencer.submitAsync(message(1));
    gate.release();
    sequencer.submit(message(2), (error, seq) =>
      events.push(error ? `error 2: ${error.name}` : `ack 2=${seq}`),
    );
    leased = false; // the lease lapses while the chunk is being written
    await sequencer.idle();
    sequencer.submit(message(3), (error) => events.push(error ? `error 3: ${error.name}` : 'ack 3'));
    expect(events).toEqual(['fan-out 1-1', 'error 2: WriterMovedError', 'error 3: WriterMovedError']);
    expect(sequencer.accepting).toBe(false);
  });

  it('stops accepting on hand-over but still stores and acknowledges what it took', async () => {
    const { gate, sequencer, events } = await setup();
    sequencer.submit(message(1), (error, seq) => events.push(error ? 'error 1' : `ack 1=${seq}`));
    sequencer.stopAccepting(new Error('moved'));
    sequencer.submit(message(2), (error) => events.push(error ? `error 2: ${error.message}` : 'ack 2'));
    gate.release();
    await sequencer.idle();
    expect(events).toEqual(['error 2: moved', 'ack 1=1', 'fan-out 1-1']);
  });

  it('acknowledges only after the chunk is stored, then fans out; seqs follow arrival order without gaps', async () => {
    const { gate, sequencer, events, log } = await setup();
    for (let n = 1; n <= 10; n++) {
      sequencer.submit(message(n), (error, seq) => events.push(error ? `error ${n}` : `ack ${n}=${seq}`));
    }
    await waitUntil(() => gate.waiting() > 0); // the first chunk reached the store (slow machines take a while)
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(events).toEqual([]); // nothing acknowledged while the write is pending
    expect(gate.waiting()).toBe(1); // one chunk at a time
    gate.release();
    await sequencer.idle();
    expect(events.filter((e) => e.startsWith('ack'))).toEqual(
      Array.from({ length: 10 }, (_, k) => `ack ${k + 1}=${k + 1}`),
    );
    const firstFanOut = events.findIndex((e) => e.startsWith('fan-out'));
    expect(events.slice(0, firstFanOut).every((e) => e.startsWith('ack'))).toBe(true);
    expect(log.lastSeq).toBe(10);
  });

  it('stores the seq it assigns, never one a producer put in its envelope', async () => {
    const { gate, sequencer, batches, log } = await setup();
    gate.release();
    const first = await sequencer.submitAsync({ ...message(1), seq: 99 });
    const second = await sequencer.submitAsync(message(2));
    expect([first.seq, second.seq]).toEqual([1, 2]);
    const lines = batches.flatMap((b) => b.lines);
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([1, 2]);
    expect(lines[0].startsWith('{"seq":1,"id":')).toBe(true);
    expect((await log.readPage(0, 10)).map((l) => l.seq)).toEqual([1, 2]);
  });

  it('writes chunks in parallel but commits them in order: a later chunk stored first waits', async () => {
    const { gate, sequencer, events } = await setup();
    for (let n = 1; n <= 4; n++) sequencer.submit(message(n), (_e, seq) => events.push(`ack ${seq}`));
    await waitUntil(() => gate.waiting() === 1);
    for (let n = 5; n <= 8; n++) sequencer.submit(message(n), (_e, seq) => events.push(`ack ${seq}`));
    await waitUntil(() => gate.waiting() === 2);
    gate.releaseKey('chunks/000000000005-');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]); // 5‥8 are stored, but 1‥4 are not yet
    gate.release();
    await sequencer.idle();
    expect(events).toEqual([
      'ack 1',
      'ack 2',
      'ack 3',
      'ack 4',
      'fan-out 1-4',
      'ack 5',
      'ack 6',
      'ack 7',
      'ack 8',
      'fan-out 5-8',
    ]);
  });

  it('a duplicate id gets the seq of the first, whether that one is stored already or still waiting', async () => {
    const { gate, sequencer, events } = await setup();
    const seqs: string[] = [];
    sequencer.submit(message(1), (_e, seq, dup) => seqs.push(`${seq}${dup ? 'd' : ''}`));
    sequencer.submit(message(1), (_e, seq, dup) => seqs.push(`${seq}${dup ? 'd' : ''}`)); // while waiting
    gate.release();
    await sequencer.idle();
    sequencer.submit(message(2), (_e, seq, dup) => seqs.push(`${seq}${dup ? 'd' : ''}`));
    sequencer.submit(message(1), (_e, seq, dup) => seqs.push(`${seq}${dup ? 'd' : ''}`)); // stored already
    await sequencer.idle();
    expect(seqs).toEqual(['1', '1d', '1d', '2']);
    expect(events.filter((e) => e === 'duplicate')).toHaveLength(2);
  });

  it('reports congestion while too much waits for storage, and clears it once stored', async () => {
    const { gate, sequencer } = await setup();
    const big = (n: number) =>
      ({ ...message(n), type: 'log', payload: { text: 'x'.repeat(300_000) } }) as Envelope;
    for (let n = 1; n <= 5; n++) sequencer.submit(big(n), () => {});
    expect(sequencer.congested).toBe(true);
    const cleared = sequencer.whenUncongested();
    gate.release();
    await cleared;
    await sequencer.idle();
    expect(sequencer.congested).toBe(false);
  });

  it('reports where each committed chunk spent its time: queued per message, storing, waiting on an earlier chunk', async () => {
    const { gate, sequencer, stages } = await setup();
    for (let n = 1; n <= 4; n++) sequencer.submit(message(n), () => {});
    await waitUntil(() => gate.waiting() === 1);
    for (let n = 5; n <= 8; n++) sequencer.submit(message(n), () => {});
    await waitUntil(() => gate.waiting() === 2);
    gate.releaseKey('chunks/000000000005-'); // the second chunk is stored first…
    await new Promise((resolve) => setTimeout(resolve, 40));
    gate.release(); // …and waits for the first before it is committed
    await sequencer.idle();
    expect(stages).toHaveLength(2);
    const [first, second] = stages;
    expect(first.queued).toHaveLength(4);
    expect(second.queued).toHaveLength(4);
    expect(first.storing).toBeGreaterThanOrEqual(0.035); // held at the gate the whole time
    expect(first.ordering).toBeLessThan(0.01);
    expect(second.ordering).toBeGreaterThanOrEqual(0.03); // stored, but behind the first chunk
    for (const s of stages) for (const q of s.queued) expect(q).toBeGreaterThanOrEqual(0);
  });
});
