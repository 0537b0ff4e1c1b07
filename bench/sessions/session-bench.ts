/**
 * Session start to first runner message (process launcher), and pull-request creation time with GitHub's
 * write spacing (≥ 1 s between content-creating requests) respected.
 * Run: node --import tsx bench/sessions/session-bench.ts
 */
import os from 'node:os';
import { Octokit } from '@octokit/rest';
import { now } from '../../packages/server/src/db/database.ts';
import { newId } from '../../packages/server/src/db/ids.ts';
import { userOctokit } from '../../packages/server/src/github/user-octokit.ts';
import { openPullRequest } from '../../packages/server/src/sessions/open-pull-request.ts';
import { startPlatformWithForge } from '../../packages/server/test/support/platform-with-forge.ts';

const RUNS = Number(process.env.RUNS ?? 5);
const t = await startPlatformWithForge({}, { writeGapMs: 1000 });
await t.link('alice');
const headers = await t.as('alice');
const api = (method: string, url: string, payload?: unknown) =>
  t.app.inject({ method: method as 'GET', url, headers, payload: payload as object });
await api('POST', '/api/projects', { name: 'bench', storage: { kind: 'managed' } });
await api('POST', '/api/projects/bench/workspaces', {
  name: 'bench',
  upstream: 'acme/umbrella',
  components: [{ name: 'api', url: 'acme/api' }],
});

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
const finished = (id: string) =>
  waitFor(async () => {
    const s = (await api('GET', `/api/projects/bench/sessions/${id}`)).json();
    return ['succeeded', 'failed', 'cancelled'].includes(s.status) ? s : undefined;
  });

// 1. start → first runner message
const firsts: number[] = [];
for (let i = 0; i < RUNS; i++) {
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
  firsts.push(performance.now() - started);
  await finished(id);
}
firsts.sort((a, b) => a - b);

// 2. a real session changing umbrella + api: PR creation per repository from the metric
const res = await api('POST', '/api/projects/bench/workspaces/bench/sessions', {
  adapter: 'localexec',
  createFork: true,
  prompt: 'echo a >> README.md\necho b >> repos/api/README.md',
});
const s = await finished(res.json().id);
await t.ctx.sessions.settled(s.id);
const metric = (await t.ctx.metrics.registry.getSingleMetric('rfe_pr_creation_seconds')!.get()).values;
const sum = metric.find(
  (v) => (v as { metricName?: string }).metricName === 'rfe_pr_creation_seconds_sum',
)!.value;
const count = metric.find(
  (v) => (v as { metricName?: string }).metricName === 'rfe_pr_creation_seconds_count',
)!.value;

// 3. five PRs opened one after another through the spaced client layer
const gh = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
const ws = await t.ctx.db.selectFrom('workspaces').selectAll().executeTakeFirstOrThrow();
const alice = await t.ctx.db
  .selectFrom('users')
  .selectAll()
  .where('subject', '=', 'alice')
  .executeTakeFirstOrThrow();
const session = {
  id: newId(),
  project_id: ws.project_id,
  workspace_id: ws.id,
  user_id: alice.id,
  kind: 'session' as const,
  adapter: 'localexec',
  prompt: 'x',
  input_repo: 'acme/umbrella',
  input_branch: 'rfe/bench',
  output_repo: null,
  output_branch: 'x',
  direct_push: 0,
  status: 'running' as const,
  flags: '[]',
  error: null,
  remediation: null,
  created_at: now(),
  started_at: now(),
  finished_at: null,
};
await t.ctx.db.insertInto('sessions').values(session).execute();
const main = await gh.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' });
const repos = ['api', 'web', 'umbrella'];
for (let i = 0; i < 5; i++) {
  const repo = repos[i % 3]!;
  const base = await gh.rest.git.getRef({ owner: 'acme', repo, ref: 'heads/main' });
  await gh.rest.git.createRef({
    owner: 'acme',
    repo,
    ref: `refs/heads/bench-${i}`,
    sha: base.data.object.sha,
  });
  await gh.rest.repos.createOrUpdateFileContents({
    owner: 'acme',
    repo,
    branch: `bench-${i}`,
    path: `bench-${i}.txt`,
    message: 'b',
    content: 'Yg==',
  });
}
void main;
const octokit = await userOctokit(t.ctx, alice);
const fiveStarted = performance.now();
const per: number[] = [];
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  // Distinct session rows keep the (session, repo) idempotency key distinct for the same repository.
  const row = { ...session, id: newId() };
  await t.ctx.db.insertInto('sessions').values(row).execute();
  await openPullRequest(t.ctx, octokit, row, {
    repo: `acme/${repos[i % 3]}`,
    head: `acme:bench-${i}`,
    base: 'main',
    title: `bench ${i}`,
    body: 'bench',
  });
  per.push(performance.now() - started);
}
const five = performance.now() - fiveStarted;
await t.close();

console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, node ${process.version}`);
console.log(
  `session start → first runner message (process launcher), ${RUNS} runs: p50 ${firsts[Math.floor(RUNS / 2)]!.toFixed(0)} ms, min ${firsts[0]!.toFixed(0)} ms, max ${firsts.at(-1)!.toFixed(0)} ms`,
);
console.log(
  `PR creation in a real session (umbrella + acme/api, ${count} PRs): mean ${((sum / count) * 1000).toFixed(0)} ms per repository`,
);
console.log(
  `5 PRs in sequence with 1 s write spacing: total ${five.toFixed(0)} ms, per PR ${per.map((p) => p.toFixed(0)).join(', ')} ms`,
);
