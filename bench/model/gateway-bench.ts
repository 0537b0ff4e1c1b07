/**
 * Model gateway overhead: the same Messages API requests sent to the scripted provider directly and through
 * the session gateway (`/api/runner/sessions/{s}/model/v1/messages`, which authenticates the model key,
 * checks budgets, forwards, meters the SSE and records usage), side by side in one run.
 * Run: node --import tsx bench/model/gateway-bench.ts   (N=… requests, STREAM_RUNS=… streamed replies)
 */
import os from 'node:os';
import { ScriptedMessagesApi } from '@rfe/testkit';
import { ModelKeys } from '../../packages/server/src/model/model-keys.ts';
import { startPlatformWithForge } from '../../packages/server/test/support/platform-with-forge.ts';

const N = Number(process.env.N ?? 300);
const STREAM_RUNS = Number(process.env.STREAM_RUNS ?? 20);
const KEY = 'bench-provider-key';
/** A streamed reply of 1,000 text blocks of 1 KiB: ~1 MiB of SSE per request. */
const BIG = Array.from({ length: 1000 }, (_, i) => ({
  type: 'text' as const,
  text: `${i}`.padEnd(1024, 'x'),
}));

const provider = await ScriptedMessagesApi.start(
  (request) =>
    JSON.stringify(request.messages).includes('stream me')
      ? { content: BIG }
      : { content: [{ type: 'text', text: 'pong' }] },
  { apiKey: KEY },
);
const t = await startPlatformWithForge({ modelProviderHosts: ['127.0.0.1'] });
await t.link('alice');
const headers = await t.as('alice');
const api = (method: string, url: string, payload?: unknown) =>
  t.app.inject({ method: method as 'GET', url, headers, payload: payload as object });
await api('POST', '/api/projects', { name: 'bench', storage: { kind: 'managed' } });
await api('POST', '/api/projects/bench/workspaces', { name: 'bench', upstream: 'acme/umbrella' });
await api('PUT', '/api/projects/bench/model', { endpoint: provider.url, apiKey: KEY });
// A running session to meter against: a localexec runner that waits.
const started = await api('POST', '/api/projects/bench/workspaces/bench/sessions', {
  adapter: 'localexec',
  createFork: true,
  prompt: 'sleep 600',
});
const sessionId = started.json().id as string;
const modelKey = new ModelKeys(t.ctx.keys.sessionSecret).issue(sessionId);

const body = (stream: boolean, text: string) =>
  JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 64,
    stream,
    messages: [{ role: 'user', content: text }],
  });
const targets = {
  direct: { url: `${provider.url}/v1/messages`, key: KEY },
  gateway: { url: `${t.url}/api/runner/sessions/${sessionId}/model/v1/messages`, key: modelKey },
};
type Target = keyof typeof targets;

async function once(target: Target, stream: boolean, text: string): Promise<{ ms: number; bytes: number }> {
  const { url, key } = targets[target];
  const start = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': key },
    body: body(stream, text),
  });
  if (!res.ok) throw new Error(`${target}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  return { ms: performance.now() - start, bytes };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const latency: Record<Target, number[]> = { direct: [], gateway: [] };
const throughput: Record<Target, number[]> = { direct: [], gateway: [] };
for (const target of ['direct', 'gateway'] as const)
  for (let i = 0; i < 20; i++) await once(target, false, 'warm');
for (let i = 0; i < N; i++) {
  // Alternating, so both see the same machine load.
  for (const target of ['direct', 'gateway'] as const)
    latency[target].push((await once(target, true, 'ping')).ms);
}
for (let i = 0; i < STREAM_RUNS; i++) {
  for (const target of ['direct', 'gateway'] as const) {
    const { ms, bytes } = await once(target, true, 'stream me');
    throughput[target].push(bytes / 1024 / 1024 / (ms / 1000));
  }
}
const recorded = (await api('GET', `/api/projects/bench/sessions/${sessionId}/usage`)).json().totals.requests;

console.log(
  `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, Node ${process.version}; ${new Date().toISOString()}`,
);
console.log(
  `small streamed requests: N=${N} each; streamed ~1 MiB replies: ${STREAM_RUNS} each; gateway recorded ${recorded} requests`,
);
console.log('| path | p50 ms | p99 ms | streaming MiB/s (median) |');
console.log('|---|---|---|---|');
for (const target of ['direct', 'gateway'] as const) {
  console.log(
    `| ${target} | ${pct(latency[target], 50).toFixed(2)} | ${pct(latency[target], 99).toFixed(2)} | ${pct(throughput[target], 50).toFixed(1)} |`,
  );
}
console.log(
  `added by the gateway: p50 ${(pct(latency.gateway, 50) - pct(latency.direct, 50)).toFixed(2)} ms, p99 ${(pct(latency.gateway, 99) - pct(latency.direct, 99)).toFixed(2)} ms`,
);

await api('POST', `/api/projects/bench/sessions/${sessionId}/cancel`);
await t.close();
await provider.stop();
process.exit(0);
