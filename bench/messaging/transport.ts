/**
 * Runner → UI throughput and latency, side by side in one run: our durable messaging (ack only after the
 * message is stored; directory store and s3rver) against a bare `ws` relay (the ceiling) and socket.io
 * with connection-state recovery. Each server runs in its own process; all clients share this one.
 * Loopback only; bounded (a few minutes).
 *
 * Run: node --import tsx bench/messaging/transport.ts
 *   SINGLE=30000 (messages, 1 session)  EACH=1000 (per session, 50 sessions)  STEADY_SECONDS=10  ROUNDS=3
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startServerProcess } from '../../packages/server/test/support/messaging/server-process.ts';
import {
  createSessionFixture,
  type SessionFixture,
} from '../../packages/server/test/support/messaging/session-fixture.ts';
import { startS3rver } from '../../packages/server/test/support/s3rver.ts';
import { startTestApp } from '../../packages/server/test/support/test-app.ts';
import { startChild } from './support/child.ts';
import { type LoadResult, saturate, steady } from './support/load.ts';
import { cpuSeconds, fmt, loadAverage, machine } from './support/stats.ts';
import { ourSystem, rawWsSystem, type System, socketIoSystem } from './support/systems.ts';

const SINGLE = Number(process.env.SINGLE ?? 30_000);
const EACH = Number(process.env.EACH ?? 1000);
const SESSIONS = 50;
const STEADY_RATE = 2000;
const STEADY_SECONDS = Number(process.env.STEADY_SECONDS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PER_ROUND = 2 + 2 * SESSIONS; // warm-up, single, 50 saturated, 50 steady

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Our server in its own process on a fresh data directory, with sessions for every round ready. */
async function ours(label: string, env: Record<string, string>) {
  const port = await freePort();
  const t = await startTestApp({}, env);
  const fixtures: SessionFixture[] = [];
  for (let k = 0; k < ROUNDS * PER_ROUND; k++)
    fixtures.push(await createSessionFixture(t, `http://127.0.0.1:${port}`, 'bench'));
  const bob = await t.as('bob');
  await t.app.close();
  await t.ctx.close();
  const server = await startServerProcess(t.dataDir, port, env);
  return {
    system: ourSystem(label, fixtures, bob),
    pid: server.pid,
    stop: async () => {
      await server.kill();
      fs.rmSync(t.dataDir, { recursive: true, force: true });
    },
  };
}

/** A load's result with the CPU seconds it cost: the system's server, its storage process, the clients. */
type Measured = LoadResult & { serverCpu: number; storageCpu: number | null; clientCpu: number };

/** A system and the processes that serve it (CPU time is read from /proc). */
interface Served {
  system: System;
  server: number | undefined;
  storage?: number;
}

async function withCpu(served: Served, load: () => Promise<LoadResult>): Promise<Measured> {
  const [server0, storage0, client0] = [
    cpuSeconds(served.server),
    cpuSeconds(served.storage),
    process.cpuUsage(),
  ];
  const result = await load();
  const client = process.cpuUsage(client0);
  return {
    ...result,
    serverCpu: cpuSeconds(served.server) - server0,
    storageCpu: served.storage === undefined ? null : cpuSeconds(served.storage) - storage0,
    clientCpu: (client.user + client.system) / 1e6,
  };
}

/** One round of the three loads on fresh sessions; the first call also warms up. */
async function measure(served: Served, round: number): Promise<Measured[]> {
  const { system } = served;
  const base = round * PER_ROUND;
  await saturate(system, base, 1, 2000); // warm-up: JIT, connections, first files
  const results = [
    await withCpu(served, () => saturate(system, base + 1, 1, SINGLE)),
    await withCpu(served, () => saturate(system, base + 2, SESSIONS, EACH)),
    await withCpu(served, () => steady(system, base + 2 + SESSIONS, SESSIONS, STEADY_RATE, STEADY_SECONDS)),
  ];
  for (const r of results)
    console.error(
      `round ${round} ${r.system} | ${r.load}: ${fmt(r.perSecond, 0)} msg/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, CPU s server ${fmt(r.serverCpu)}${r.storageCpu === null ? '' : ` storage ${fmt(r.storageCpu)}`} clients ${fmt(r.clientCpu)}`,
    );
  return results;
}

const startedLoad = loadAverage();
const raw = await startChild(here('./support/raw-ws-server.ts'));
const sio = await startChild(here('./support/socketio-server.ts'));
const s3 = await startS3rver({ buckets: ['rfe-bench'] });
const directory = await ours('RFE durable, directory store', {});
const onS3 = await ours('RFE durable, s3rver', {
  OBJECT_STORE: 's3',
  S3_ENDPOINT: s3.endpoint,
  S3_BUCKET: 'rfe-bench',
  S3_ACCESS_KEY_ID: s3.accessKeyId,
  S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  S3_FORCE_PATH_STYLE: 'true',
});
const systems: Served[] = [
  { system: rawWsSystem(raw.port), server: raw.process.pid },
  { system: socketIoSystem(sio.port), server: sio.process.pid },
  { system: directory.system, server: directory.pid },
  { system: onS3.system, server: onS3.pid, storage: s3.pid },
];

// Rounds interleave the systems, so a burst of other work on the machine hits them all alike.
const rounds: Measured[][] = [];
for (let round = 0; round < ROUNDS; round++) {
  const results: Measured[] = [];
  for (const served of systems) results.push(...(await measure(served, round)));
  rounds.push(results);
}
await Promise.all([raw.stop(), sio.stop(), directory.stop(), onS3.stop()]);
await s3.stop();

/**
 * Per system and load, the median round: by throughput for the saturated loads, by p99 for the steady
 * one (its throughput is the offered rate in every round, so only its latency tells rounds apart).
 */
const results = rounds[0].map((first, k) => {
  const key = (r: Measured) => (first.load.includes('steady') ? r.p99 : r.perSecond);
  const runs = rounds.map((r) => r[k]).sort((a, b) => key(a) - key(b));
  return runs[Math.floor(runs.length / 2)];
});

console.log(
  `Machine: ${machine()}. 1-minute load average ${startedLoad} at the start, ${loadAverage()} at the end.`,
);
console.log(
  `Command: node --import tsx bench/messaging/transport.ts (SINGLE=${SINGLE}, EACH=${EACH}, STEADY_SECONDS=${STEADY_SECONDS}, ROUNDS=${ROUNDS}; median round shown: by msg/s, by p99 for the steady load)\n`,
);
console.log(
  '| system | load | messages | msg/s | p50 ms | p99 ms | max ms | CPU s: server | storage process | clients |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.system} | ${r.load} | ${r.messages} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.serverCpu)} | ${r.storageCpu === null ? '—' : fmt(r.storageCpu)} | ${fmt(r.clientCpu)} |`,
  );
}
const rate = (system: string, load: string) =>
  results.find((r) => r.system.startsWith(system) && r.load.startsWith(load))?.perSecond ?? Number.NaN;
for (const load of ['1 session', '50 sessions, saturated']) {
  const ceiling = rate('raw ws', load);
  const sioRate = rate('socket.io', load);
  for (const store of ['RFE durable, directory', 'RFE durable, s3rver']) {
    const durable = rate(store, load);
    console.log(
      `${store} / raw ws, ${load}: ${fmt((100 * durable) / ceiling, 0)} %; / socket.io: ${fmt(durable / sioRate, 2)}×`,
    );
  }
}
process.exit(0);
