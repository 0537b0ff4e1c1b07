/**
 * 1,000 repeated repository-browser requests (tree and blob, alternating) through the platform API against
 * the bundled forge, with the ETag cache on and off, side by side in one run.
 * Run: node --import tsx bench/workspaces/browse-cache.ts
 */
import os from 'node:os';
import { GitHubClient } from '../../packages/server/src/github/github-client.ts';
import { startPlatformWithForge } from '../../packages/server/test/support/platform-with-forge.ts';

const N = Number(process.env.N ?? 1000);
const t = await startPlatformWithForge();
await t.link('alice');
const headers = await t.as('alice');
const inject = (url: string) => t.app.inject({ method: 'GET', url, headers });
await t.app.inject({
  method: 'POST',
  url: '/api/projects',
  headers,
  payload: { name: 'bench', storage: { kind: 'managed' } },
});
await t.app.inject({
  method: 'POST',
  url: '/api/projects/bench/workspaces',
  headers,
  payload: { name: 'bench', upstream: 'acme/umbrella' },
});
const urls = [
  '/api/projects/bench/workspaces/bench/tree?path=',
  '/api/projects/bench/workspaces/bench/blob?path=README.md',
];

async function run(label: string, etagCache: boolean) {
  t.ctx.github!.client = new GitHubClient({ apiUrl: t.forge.apiUrl, writeGapMs: 0, etagCache });
  const before = t.forge.stats();
  const latencies: number[] = [];
  for (let i = 0; i < N; i++) {
    const started = performance.now();
    const res = await inject(urls[i % 2]!);
    latencies.push(performance.now() - started);
    if (res.statusCode !== 200) throw new Error(`${label}: ${res.statusCode} ${res.body}`);
  }
  const after = t.forge.stats();
  latencies.sort((a, b) => a - b);
  const upstream = after.requests - before.requests;
  const counted = after.countedRequests - before.countedRequests;
  return {
    label,
    upstream,
    counted,
    notModifiedShare: upstream ? (upstream - counted) / upstream : 0,
    p50: latencies[Math.floor(N * 0.5)]!,
    p99: latencies[Math.floor(N * 0.99)]!,
  };
}

const off = await run('cache off', false);
const on = await run('cache on', true);
await t.close();
const cpu = os.cpus()[0]?.model ?? 'unknown';
console.log(`machine: ${os.cpus().length} cores, ${cpu}, node ${process.version}`);
console.log(
  '| run | API requests | upstream requests | counted against rate limit | answered 304 | p50 ms | p99 ms |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of [off, on]) {
  console.log(
    `| ${r.label} | ${N} | ${r.upstream} | ${r.counted} | ${(r.notModifiedShare * 100).toFixed(1)} % | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`,
  );
}
console.log(`counted requests removed by the cache: ${(100 * (1 - on.counted / off.counted)).toFixed(1)} %`);
