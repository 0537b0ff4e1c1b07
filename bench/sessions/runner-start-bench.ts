/**
 * Session start → first runner message, the built runner (node packages/runner/dist/main.js, what the
 * launchers run) against the runner compiled by tsx at every start, in one run: the two alternate session by
 * session on the same platform, so they share the machine's load. Each sample is split in three stages seen
 * from the platform: the request's checks before launch (fork, branch, installations), launch → the runner's
 * channel upgrade request (process start, module loading, settings, outbox), upgrade → first message stored
 * (handshake, hello, the durable log, the messages API read).
 * Run: RUNS=7 node --import tsx bench/sessions/runner-start-bench.ts
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LaunchSpec, RunnerHandle } from '../../packages/server/src/launchers/launcher.ts';
import { startPlatformWithForge } from '../../packages/server/test/support/platform-with-forge.ts';
import { buildRunner } from '../../scripts/build.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const root = fileURLToPath(new URL('../..', import.meta.url));
const buildMs = await buildRunner();
const commands = {
  built: { file: process.execPath, args: [path.join(root, 'packages/runner/dist/main.js')], cwd: root },
  tsx: {
    file: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'packages/runner/src/main.ts')],
    cwd: root,
  },
};
type Mode = keyof typeof commands;

const t = await startPlatformWithForge();
await t.link('alice');
const headers = await t.as('alice');
const api = (method: string, url: string, payload?: unknown) =>
  t.app.inject({ method: method as 'GET', url, headers, payload: payload as object });
await api('POST', '/api/projects', { name: 'bench', storage: { kind: 'managed' } });
await api('POST', '/api/projects/bench/workspaces', {
  name: 'bench',
  upstream: 'acme/umbrella',
  components: [],
});
const launcher = t.ctx.sessions.launcher as unknown as {
  opts: { command?: (typeof commands)[Mode] };
  launch(spec: LaunchSpec): Promise<RunnerHandle>;
};
// When the launcher is asked to start the runner, and when the runner's channel first reaches the server.
let launchAt = 0;
let upgradeAt = 0;
const launch = launcher.launch.bind(launcher);
launcher.launch = (spec) => {
  launchAt = performance.now();
  return launch(spec);
};
t.app.server.on('upgrade', () => {
  upgradeAt ||= performance.now();
});

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Sample {
  total: number;
  checks: number;
  toChannel: number;
  toStored: number;
}
const samples: Record<Mode, Sample[]> = { built: [], tsx: [] };
// One session first (not counted): it creates alice's fork, which every later session finds.
for (let i = -1; i < RUNS; i++) {
  for (const mode of (i % 2 ? ['tsx', 'built'] : ['built', 'tsx']) as Mode[]) {
    launcher.opts.command = commands[mode];
    upgradeAt = 0;
    const started = performance.now();
    const res = await api('POST', '/api/projects/bench/workspaces/bench/sessions', {
      adapter: 'localexec',
      createFork: true,
      prompt: 'true',
    });
    const id = res.json().id;
    await waitFor(async () =>
      (await api('GET', `/api/projects/bench/sessions/${id}/messages?after=0&limit=1`)).json().items.length
        ? true
        : undefined,
    );
    const stored = performance.now();
    if (i >= 0)
      samples[mode].push({
        total: stored - started,
        checks: launchAt - started,
        toChannel: upgradeAt - launchAt,
        toStored: stored - upgradeAt,
      });
    await waitFor(async () => {
      const s = (await api('GET', `/api/projects/bench/sessions/${id}`)).json();
      return ['succeeded', 'failed', 'cancelled'].includes(s.status) ? true : undefined;
    });
  }
}
await t.close();

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]!;
console.log(
  `runner build (esbuild): ${buildMs.toFixed(0)} ms; ${os.cpus().length} cores, Node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const mode of ['built', 'tsx'] as const) {
  const of = (key: keyof Sample) => samples[mode].map((s) => s[key]);
  const xs = of('total');
  console.log(
    `session start → first runner message, ${mode}: ${RUNS} runs, p50 ${pct(xs, 0.5).toFixed(0)} ms, p90 ${pct(xs, 0.9).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms` +
      ` (p50 by stage: checks ${pct(of('checks'), 0.5).toFixed(0)}, launch → channel ${pct(of('toChannel'), 0.5).toFixed(0)}, channel → stored ${pct(of('toStored'), 0.5).toFixed(0)} ms)`,
  );
}
