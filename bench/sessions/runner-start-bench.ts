/**
 * Session start → first runner message, the built runner (node packages/runner/dist/main.js, what the
 * launchers run) against the runner compiled by tsx at every start, in one run: the two alternate session by
 * session on the same platform, so they share the machine's load.
 * Run: RUNS=7 node --import tsx bench/sessions/runner-start-bench.ts
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
const launcher = t.ctx.sessions.launcher as unknown as { opts: { command?: (typeof commands)['built'] } };

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const samples: Record<keyof typeof commands, number[]> = { built: [], tsx: [] };
for (let i = 0; i < RUNS; i++) {
  for (const mode of (i % 2 ? ['tsx', 'built'] : ['built', 'tsx']) as (keyof typeof commands)[]) {
    launcher.opts.command = commands[mode];
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
    samples[mode].push(performance.now() - started);
    await waitFor(async () => {
      const s = (await api('GET', `/api/projects/bench/sessions/${id}`)).json();
      return ['succeeded', 'failed', 'cancelled'].includes(s.status) ? true : undefined;
    });
  }
}
await t.close();

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
console.log(
  `runner build (esbuild): ${buildMs.toFixed(0)} ms; ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const mode of ['built', 'tsx'] as const) {
  const xs = samples[mode];
  console.log(
    `session start → first runner message, ${mode}: ${RUNS} runs, p50 ${pct(xs, 0.5).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`,
  );
}
