/**
 * Runner → UI throughput and latency, side by side in one run: our durable messaging (ack only after the
 * message is stored; directory store and s3rver) against a bare `ws` relay (the ceiling), socket.io with
 * connection-state recovery (memory only) and the durable peer, socket.io with the Redis Streams adapter
 * (each message stored in Redis — appendonly, fsync every second — before it is acknowledged). Each server
 * runs in its own process; all clients share this one. The steady load runs twice per round: on a quiet
 * machine, and beside a CPU hog (one busy core). For our server the steady load's per-stage latency is
 * read from its /metrics. Loopback only; bounded (a few minutes).
 *
 * Run: node --import tsx bench/messaging/transport.ts
 *   SINGLE=30000 (messages, 1 session)  EACH=1000 (per session, 50 sessions)  STEADY_SECONDS=10  ROUNDS=3
 */
import { spawn } from 'node:child_process';
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
import { startDurableRedis } from './support/redis.ts';
import { type StageSummary, scrape, stagesBetween } from './support/stages.ts';
import { cpuSeconds, fmt, loadAverage, machine } from './support/stats.ts';
import { ourSystem, rawWsSystem, type System, socketIoSystem } from './support/systems.ts';

const SINGLE = Number(process.env.SINGLE ?? 30_000);
const EACH = Number(process.env.EACH ?? 1000);
const SESSIONS = 50;
const STEADY_RATE = 2000;
const STEADY_SECONDS = Number(process.env.STEADY_SECONDS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PER_ROUND = 2 + 3 * SESSIONS; // warm-up, single, 50 saturated, 50 steady, 50 steady beside a CPU hog

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Our server in its own process on a fresh data directory, with sessions for every round ready. */
async function ours(label: string, storeEnv: Record<string, string>) {
  // The fixtures are running sessions without a runner: reconciliation would fail them after its launch
  // grace (5 minutes), so it runs only at start-up here.
  const env = { ...storeEnv, SESSION_RECONCILE_SECONDS: '3600' };
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
    port,
    stop: async () => {
      await server.kill();
      fs.rmSync(t.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A load's result with the CPU seconds it cost (the system's server, its storage process, the clients)
 * and, for our server, where its messages spent their time.
 */
type Measured = LoadResult & {
  serverCpu: number;
  storageCpu: number | null;
  clientCpu: number;
  stages?: StageSummary[];
  eventLoopP99Ms?: number;
  gcSeconds?: number;
};

/** A system and the processes that serve it (CPU time is read from /proc; stages from /metrics). */
interface Served {
  system: System;
  server: number | undefined;
  storage?: number;
  metricsPort?: number;
}

async function withCpu(served: Served, load: () => Promise<LoadResult>): Promise<Measured> {
  const before = served.metricsPort ? await scrape(served.metricsPort) : undefined;
  const [server0, storage0, client0] = [
    cpuSeconds(served.server),
    cpuSeconds(served.storage),
    process.cpuUsage(),
  ];
  const result = await load();
  const client = process.cpuUsage(client0);
  const measured: Measured = {
    ...result,
    serverCpu: cpuSeconds(served.server) - server0,
    storageCpu: served.storage === undefined ? null : cpuSeconds(served.storage) - storage0,
    clientCpu: (client.user + client.system) / 1e6,
  };
  if (before && served.metricsPort) {
    const after = await scrape(served.metricsPort);
    measured.stages = stagesBetween(before, after);
    measured.eventLoopP99Ms = 1000 * (after.gauges.get('nodejs_eventloop_lag_p99_seconds') ?? Number.NaN);
    measured.gcSeconds = (after.gauges.get('gc_seconds') ?? 0) - (before.gauges.get('gc_seconds') ?? 0);
  }
  return measured;
}

/** One busy core beside the load (a process spinning), for the loaded-machine variant. */
const hogs = new Set<ReturnType<typeof spawn>>();
async function besideCpuHog<T>(run: () => Promise<T>): Promise<T> {
  const hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  hogs.add(hog);
  hog.once('exit', () => hogs.delete(hog));
  try {
    return await run();
  } finally {
    const exited = new Promise((resolve) => hog.once('exit', resolve));
    hog.kill('SIGKILL');
    await exited;
  }
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
    await besideCpuHog(() =>
      withCpu(served, () =>
        steady(system, base + 2 + 2 * SESSIONS, SESSIONS, STEADY_RATE, STEADY_SECONDS).then((r) => ({
          ...r,
          load: `${r.load}, beside a CPU hog`,
        })),
      ),
    ),
  ];
  for (const r of results)
    console.error(
      `round ${round} ${r.system} | ${r.load}: ${fmt(r.perSecond, 0)} msg/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, CPU s server ${fmt(r.serverCpu)}${r.storageCpu === null ? '' : ` storage ${fmt(r.storageCpu)}`} clients ${fmt(r.clientCpu)}${r.stages ? ` | stages p99 ms ${stageText(r)}` : ''}`,
    );
  return results;
}

const stageText = (r: Measured) =>
  `${(r.stages ?? []).map((st) => `${st.stage} ${fmt(st.p99ms)}`).join(', ')}; event loop p99 lag ${fmt(r.eventLoopP99Ms ?? Number.NaN)} ms, GC ${fmt(r.gcSeconds ?? Number.NaN, 2)} s`;

const startedLoad = loadAverage();
const raw = await startChild(here('./support/raw-ws-server.ts'));
const sio = await startChild(here('./support/socketio-server.ts'));
const redis = await startDurableRedis();
const sioRedis = await startChild(here('./support/socketio-redis-server.ts'), { REDIS_URL: redis.url });
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
// Stopped early (Ctrl+C, kill): no hog or server may keep running and spoil the next run.
const pids = [raw, sio, sioRedis, redis].map((c) => c.process.pid).concat(s3.pid, directory.pid, onS3.pid);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    for (const hog of hogs) hog.kill('SIGKILL');
    for (const pid of pids) {
      try {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    process.exit(130);
  });
const systems: Served[] = [
  { system: rawWsSystem(raw.port), server: raw.process.pid },
  { system: socketIoSystem(sio.port), server: sio.process.pid },
  {
    system: socketIoSystem(
      sioRedis.port,
      'socket.io 4.8.4 + Redis Streams adapter (durable: AOF, fsync 1 s)',
    ),
    server: sioRedis.process.pid,
    storage: redis.process.pid,
  },
  { system: directory.system, server: directory.pid, metricsPort: directory.port },
  { system: onS3.system, server: onS3.pid, storage: s3.pid, metricsPort: onS3.port },
];

// ONLY=durable,directory measures just the systems whose names contain one of the words (for profiling).
const only = process.env.ONLY?.split(',').map((w) => w.trim().toLowerCase());
const measured = systems.filter((s) => !only || only.some((w) => s.system.name.toLowerCase().includes(w)));

// Rounds interleave the systems, so a burst of other work on the machine hits them all alike.
const rounds: Measured[][] = [];
for (let round = 0; round < ROUNDS; round++) {
  const results: Measured[] = [];
  for (const served of measured) results.push(...(await measure(served, round)));
  rounds.push(results);
}
await Promise.all([raw.stop(), sio.stop(), sioRedis.stop(), directory.stop(), onS3.stop()]);
await Promise.all([s3.stop(), redis.stop()]);

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
console.log('\nRFE, steady loads (median round): per-stage latency on the server, from its /metrics\n');
console.log('| system | load | stage | messages | p50 ms | p99 ms |');
console.log('|---|---|---|---|---|---|');
for (const r of results.filter((m) => m.stages && m.load.includes('steady'))) {
  for (const st of r.stages!)
    console.log(
      `| ${r.system} | ${r.load} | ${st.stage} | ${st.count} | ${fmt(st.p50ms)} | ${fmt(st.p99ms)} |`,
    );
  console.log(
    `| ${r.system} | ${r.load} | event loop p99 lag / GC | | | ${fmt(r.eventLoopP99Ms ?? Number.NaN)} ms / ${fmt(r.gcSeconds ?? Number.NaN, 2)} s |`,
  );
}
console.log('\nAll rounds, steady loads (p99 ms):');
for (const [k, first] of rounds[0].entries()) {
  if (!first.load.includes('steady')) continue;
  console.log(`- ${first.system} | ${first.load}: ${rounds.map((r) => fmt(r[k].p99)).join(' / ')}`);
}
const find = (system: string, load: string) =>
  results.find((r) => r.system.startsWith(system) && r.load.startsWith(load));
const rate = (system: string, load: string) => find(system, load)?.perSecond ?? Number.NaN;
const steadyLoad = `${SESSIONS} sessions, ${STEADY_RATE} msg/s steady`;
const durablePeerP99 = find('socket.io 4.8.4 + Redis', steadyLoad)?.p99 ?? Number.NaN;
for (const store of ['RFE durable, directory', 'RFE durable, s3rver']) {
  const quiet = find(store, steadyLoad);
  const loaded = results.find((r) => r.system.startsWith(store) && r.load.includes('CPU hog'));
  console.log(
    `${store}, steady p99: ${fmt(quiet?.p99 ?? Number.NaN)} ms (target < 50), ${fmt((quiet?.p99 ?? Number.NaN) / durablePeerP99, 2)}× the durable peer's ${fmt(durablePeerP99)} ms (target ≤ 2×); beside a CPU hog ${fmt(loaded?.p99 ?? Number.NaN)} ms (target < 250)`,
  );
}
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
