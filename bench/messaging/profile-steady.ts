/**
 * Where our server's CPU goes under the transport bench's steady load: the server runs with `--cpu-prof`
 * on the directory store (or s3rver with STORE=s3), 50 sessions send 2,000 msg/s for STEADY_SECONDS, then the
 * server exits cleanly (SIGTERM) and writes its profile; this prints the functions with the most self
 * time and the files they live in, and the load's latency. A tool for finding hot paths, not a benchmark
 * result: compare its totals only with runs on the same machine.
 *
 * Run: node --import tsx bench/messaging/profile-steady.ts   (STEADY_SECONDS=10, STORE=directory|s3, TOP=40)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServerProcess } from '../../packages/server/test/support/messaging/server-process.ts';
import { createSessionFixture } from '../../packages/server/test/support/messaging/session-fixture.ts';
import { startS3rver } from '../../packages/server/test/support/s3rver.ts';
import { startTestApp } from '../../packages/server/test/support/test-app.ts';
import { steady } from './support/load.ts';
import { cpuSeconds, fmt, loadAverage } from './support/stats.ts';
import { ourSystem } from './support/systems.ts';

const STEADY_SECONDS = Number(process.env.STEADY_SECONDS ?? 10);
const TOP = Number(process.env.TOP ?? 40);
const SESSIONS = 50;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** V8 stamps profiles in microseconds of the monotonic clock, which process.hrtime reads too. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

const s3 = process.env.STORE === 's3' ? await startS3rver({ buckets: ['rfe-profile'] }) : undefined;
const env: Record<string, string> = {
  SESSION_RECONCILE_SECONDS: '3600',
  ...(s3
    ? {
        OBJECT_STORE: 's3',
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: 'rfe-profile',
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      }
    : {}),
};
const port = await freePort();
const t = await startTestApp({}, env);
const fixtures = [];
for (let k = 0; k < 1 + SESSIONS; k++)
  fixtures.push(await createSessionFixture(t, `http://127.0.0.1:${port}`, 'profile'));
const bob = await t.as('bob');
await t.app.close();
await t.ctx.close();

const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-profile-'));
const server = await startServerProcess(t.dataDir, port, env, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
const system = ourSystem('RFE', fixtures, bob);
const warm = await steady(system, 0, 1, 500, 2);
const cpu0 = cpuSeconds(server.pid);
const window = { from: monotonicMicros(), to: 0 };
const result = await steady(system, 1, SESSIONS, 2000, STEADY_SECONDS);
window.to = monotonicMicros();
const cpu = cpuSeconds(server.pid) - cpu0;
console.log(
  `load average ${loadAverage()}; warm-up p99 ${fmt(warm.p99)} ms; steady ${SESSIONS} sessions 2000 msg/s: p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, max ${fmt(result.max)} ms; server CPU ${fmt(cpu, 2)} s (${fmt((1e6 * cpu) / result.messages, 0)} µs a message)`,
);
await server.stop();
await s3?.stop();

const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${profileDir}`);
const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Only the steady load's samples: start-up (module loading, schema compilation) and shutdown are left out.
const self = new Map<number, number>();
let at = profile.startTime;
for (const [k, id] of profile.samples.entries()) {
  at += profile.timeDeltas[k] ?? 0;
  if (at < window.from || at > window.to) continue;
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)?.callFrame ?? {
    functionName: '?',
    url: '',
    lineNumber: 0,
  };
  const where = url.replace(/^file:\/\//, '').replace(process.cwd(), '.');
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const fileKey = where.includes('node_modules')
    ? where.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, 'npm:$1')
    : where || functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
}
const table = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([k, us]) => `${fmt((100 * us) / total).padStart(5)} %  ${fmt(us / 1000, 0).padStart(6)} ms  ${k}`)
    .join('\n');
console.log(
  `\nprofile of the main thread during the steady load: ${fmt(total / 1e6, 2)} s sampled (${file} in ${profileDir})\n\nby file or package:\n${table(byFile)}`,
);
console.log(`\nby function (self time):\n${table(byFunction)}`);
fs.rmSync(t.dataDir, { recursive: true, force: true });
