/**
 * The floor under a durable acknowledgement: how long one write at each system's durability point takes
 * when nothing else runs — the durable peer's XADD to Redis (appendonly, fsync every second: the reply
 * comes before the fsync), our directory store's put (file + journal record + fdatasync) and a PUT to
 * s3rver through our S3 store. Writes of a group-commit object's typical size (BYTES, ~20 messages of the
 * steady load), one at a time, then PARALLEL at once. An acknowledgement under load waits for the write in
 * flight and then its own, so a steady p99 below ~2 × a store's write p99 is not to be had on that store.
 *
 * Run: node --import tsx bench/messaging/write-floor.ts   (WRITES=1000 BYTES=5000 PARALLEL=4)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DirectoryObjectStore } from '../../packages/server/src/storage/directory-store.ts';
import { S3ObjectStore } from '../../packages/server/src/storage/s3-store.ts';
import { startS3rver } from '../../packages/server/test/support/s3rver.ts';
import { startDurableRedis } from './support/redis.ts';
import { cpuSeconds, fmt, loadAverage, machine, summarize } from './support/stats.ts';

const WRITES = Number(process.env.WRITES ?? 1000);
const BYTES = Number(process.env.BYTES ?? 5000);
const PARALLEL = Number(process.env.PARALLEL ?? 4);
const body = Buffer.alloc(BYTES, 'x');

interface Target {
  name: string;
  /** The process doing the storing besides this one (its CPU is reported), if any. */
  pid?: number;
  write(k: number): Promise<unknown>;
}

async function timeWrites(target: Target, parallel: number) {
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = cpuSeconds(target.pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < WRITES) {
        const k = next++;
        const t0 = performance.now();
        await target.write(k);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const storeCpu = target.pid === undefined ? Number.NaN : cpuSeconds(target.pid) - cpu0;
  return { ...summarize(latencies), perSecond: WRITES / seconds, storeCpuMs: (1000 * storeCpu) / WRITES };
}

const redisServer = await startDurableRedis();
const redis = new Redis(redisServer.url);
const s3 = await startS3rver({ buckets: ['rfe-floor'] });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-floor-'));
const directory = new DirectoryObjectStore(dir);
const onS3 = new S3ObjectStore({
  bucket: 'rfe-floor',
  region: s3.region,
  endpoint: s3.endpoint,
  forcePathStyle: true,
  accessKeyId: s3.accessKeyId,
  secretAccessKey: s3.secretAccessKey,
});
const targets: Target[] = [
  {
    name: 'Redis XADD (durable peer: AOF, fsync 1 s)',
    pid: redisServer.process.pid,
    write: () => redis.xadd('floor', '*', 'p', body),
  },
  { name: 'RFE directory store put (journal fdatasync)', write: (k) => directory.put(`floor/${k}`, body) },
  { name: 'RFE S3 store PUT to s3rver', pid: s3.pid, write: (k) => onS3.put(`floor/${k}`, body) },
];

console.log(`Machine: ${machine()}. 1-minute load average ${loadAverage()}.`);
console.log(
  `Command: node --import tsx bench/messaging/write-floor.ts (WRITES=${WRITES}, BYTES=${BYTES}, PARALLEL=${PARALLEL})\n`,
);
console.log('| write | at once | p50 ms | p99 ms | max ms | writes/s | storing process CPU ms a write |');
console.log('|---|---|---|---|---|---|---|');
for (const target of targets) {
  for (let k = 0; k < 50; k++) await target.write(WRITES + k); // warm-up
  for (const parallel of [1, PARALLEL]) {
    const r = await timeWrites(target, parallel);
    console.log(
      `| ${target.name} | ${parallel} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.max, 2)} | ${fmt(r.perSecond, 0)} | ${fmt(r.storeCpuMs, 2)} |`,
    );
  }
}
console.log(`\n1-minute load average at the end ${loadAverage()}.`);
redis.disconnect();
await Promise.all([redisServer.stop(), s3.stop()]);
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
