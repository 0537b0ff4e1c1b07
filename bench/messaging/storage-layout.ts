/**
 * How a session's events are laid out in object storage: one object per event (how OpenHands persists
 * events) against our layout (chunks compacted into segments, index.json with byte-offset marks).
 *   1. writing 100,000 events, on the directory store and on s3rver;
 *   2. reading a 1,000-event page from the middle of a 1,000,000-event session, on the directory store
 *      (the 1M one-object-per-event set is created with plain file writes, without fsync, to keep the
 *      run short; reading it goes through the store as the platform would).
 * Run: node --import tsx bench/messaging/storage-layout.ts   (WRITE=100000 EVENTS=1000000 PAGE=1000)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeRun } from '../../packages/server/src/messaging/log/jsonl.ts';
import { Limiter } from '../../packages/server/src/messaging/log/limiter.ts';
import { MessageLog } from '../../packages/server/src/messaging/log/message-log.ts';
import { createObjectStore, type ObjectStore, scopedStore } from '../../packages/server/src/storage/index.ts';
import { logOptions } from '../../packages/server/test/support/messaging/log-fixture.ts';
import { startS3rver } from '../../packages/server/test/support/s3rver.ts';
import { fmt, loadAverage, machine } from './support/stats.ts';

const WRITE = Number(process.env.WRITE ?? 100_000);
const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const PAGE = Number(process.env.PAGE ?? 1000);
const CONCURRENCY = 16; // generous to one-object-per-event: OpenHands writes its events one at a time
const BATCH = 256; // messages per chunk, the sequencer's count trigger

const pad = (n: number) => String(n).padStart(12, '0');
const line = (seq: number) =>
  JSON.stringify({
    seq,
    id: `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`,
    sessionId: 'bench',
    ts: '2026-01-01T00:00:00.000Z',
    type: 'log',
    level: 'info',
    origin: 'runner',
    payload: { text: `event ${seq} ${'x'.repeat(100)}` },
  });

async function pool(count: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function options() {
  return logOptions({ limiter: new Limiter(2), indexDebounceMs: 1000, onError: (e) => console.error(e) });
}

async function writePerEvent(store: ObjectStore, count: number) {
  return seconds(() => pool(count, (i) => store.put(`events/${pad(i + 1)}.json`, line(i + 1))));
}

async function writeOurs(store: ObjectStore, count: number) {
  const { log } = await MessageLog.open(store, options());
  const appends = await seconds(async () => {
    for (let first = 1; first <= count; first += BATCH) {
      const lines = Array.from({ length: Math.min(BATCH, count - first + 1) }, (_, k) => line(first + k));
      await log.appendBatch(encodeRun(lines, first));
    }
  });
  const sealed = await seconds(async () => {
    await log.seal();
    await log.close();
  });
  return { appends, sealed };
}

const rows: string[] = [];
const started = loadAverage();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-layout-'));
try {
  // 1. Writing WRITE events.
  const dir = createObjectStore({ driver: 'directory', root: path.join(tmp, 'write') });
  const perEventDir = await writePerEvent(scopedStore(dir, 'per-event'), WRITE);
  const oursDir = await writeOurs(scopedStore(dir, 'ours'), WRITE);
  const s3 = await startS3rver({ buckets: ['layout'] });
  const s3store = createObjectStore({
    driver: 's3',
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: 'layout',
    forcePathStyle: true,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  });
  const perEventS3 = await writePerEvent(scopedStore(s3store, 'per-event'), WRITE);
  const oursS3 = await writeOurs(scopedStore(s3store, 'ours'), WRITE);
  await s3.stop();
  rows.push(
    `| write ${WRITE} events | directory | ${fmt(perEventDir, 2)} s (${fmt(WRITE / perEventDir, 0)}/s), ${WRITE} objects | ${fmt(oursDir.appends, 2)} s (${fmt(WRITE / oursDir.appends, 0)}/s) + ${fmt(oursDir.sealed, 2)} s compaction |`,
    `| write ${WRITE} events | s3rver | ${fmt(perEventS3, 2)} s (${fmt(WRITE / perEventS3, 0)}/s), ${WRITE} objects | ${fmt(oursS3.appends, 2)} s (${fmt(WRITE / oursS3.appends, 0)}/s) + ${fmt(oursS3.sealed, 2)} s compaction |`,
  );
  console.error('writes done', rows);

  // 2. A page from the middle of EVENTS events.
  const root = path.join(tmp, 'read');
  const store = createObjectStore({ driver: 'directory', root });
  const eventsDir = path.join(root, 'per-event', 'events');
  fs.mkdirSync(eventsDir, { recursive: true });
  const populate = await seconds(async () => {
    for (let seq = 1; seq <= EVENTS; seq++)
      fs.writeFileSync(path.join(eventsDir, `${pad(seq)}.json`), line(seq));
  });
  const buildOurs = await writeOurs(scopedStore(store, 'ours'), EVENTS);
  console.error(
    `populated: per-event ${fmt(populate)} s, ours ${fmt(buildOurs.appends)} + ${fmt(buildOurs.sealed)} s`,
  );
  const after = Math.floor(EVENTS / 2);
  const indexBytes = (await scopedStore(store, 'ours').get('index.json'))!;
  const index = JSON.parse(Buffer.from(indexBytes).toString()) as { segments: unknown[]; chunks: unknown[] };
  const shape = `${index.segments.length} segments, ${index.chunks.length} chunks, index.json ${fmt(indexBytes.byteLength / 1024)} KiB`;

  const perEvent = scopedStore(store, 'per-event');
  const perEventTimes: number[] = [];
  for (let run = 0; run < 3; run++) {
    perEventTimes.push(
      await seconds(async () => {
        const page = await perEvent.list('events/', { startAfter: `events/${pad(after)}.json`, limit: PAGE });
        const bodies: (Uint8Array | null)[] = new Array(page.objects.length);
        let i = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (i < page.objects.length) {
              const k = i++;
              bodies[k] = await perEvent.get(page.objects[k].key);
            }
          }),
        );
        if (bodies.length !== PAGE || !bodies[0]) throw new Error('per-event page incomplete');
      }),
    );
  }

  const ours = scopedStore(store, 'ours');
  const coldTimes: number[] = [];
  const warmTimes: number[] = [];
  for (let run = 0; run < 5; run++) {
    let log!: MessageLog;
    coldTimes.push(
      await seconds(async () => {
        ({ log } = await MessageLog.open(ours, options()));
        const page = await log.readPage(after, PAGE);
        if (page.length !== PAGE || page[0].seq !== after + 1) throw new Error('our page incomplete');
      }),
    );
    warmTimes.push(await seconds(() => log.readPage(after + 1000 * run, PAGE)));
  }
  rows.push(
    `| page of ${PAGE} from the middle of ${EVENTS} | directory | ${fmt(median(perEventTimes) * 1000)} ms (1 listing + ${PAGE} GETs; median of 3) | ${fmt(median(coldTimes) * 1000)} ms opening the log (index + tail listing) and reading; ${fmt(median(warmTimes) * 1000, 2)} ms on an open log (median of 5) |`,
  );

  console.log(
    `Machine: ${machine()}. 1-minute load average ${started} at the start, ${loadAverage()} at the end.`,
  );
  console.log(
    `Command: node --import tsx bench/messaging/storage-layout.ts (WRITE=${WRITE}, EVENTS=${EVENTS}, PAGE=${PAGE})\n`,
  );
  console.log('| task | store | one object per event | RFE layout (chunks → segments + index) |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\nBuilding the ${EVENTS}-event sets: per-event files ${fmt(populate)} s (plain writes, no fsync); RFE log ${fmt(buildOurs.appends)} s appends + ${fmt(buildOurs.sealed)} s final compaction (${shape}).`,
  );
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
