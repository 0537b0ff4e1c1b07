import fs from 'node:fs';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { type DeclaredUsage, type MessagesRequest, ScriptedMessagesApi, toolResultsIn } from '@rfe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';
import type { ProcessLauncher } from '../../launchers/process/process-launcher.ts';

/** The provider key the scripted provider insists on: it must reach the provider and nothing else. */
const PROVIDER_KEY = `sk-ant-scripted-${'k3Y'.repeat(12)}`;
const PRICE = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
/** Each main turn declares these, so cost per turn is 2000×3 + 400×15 + 1000×0.3 + 500×3.75 = 14 175 µ$. */
const TURN_USAGE: DeclaredUsage = {
  input_tokens: 2000,
  output_tokens: 400,
  cache_read_input_tokens: 1000,
  cache_creation_input_tokens: 500,
};
const costMicro = (u: DeclaredUsage) =>
  u.input_tokens * PRICE.input +
  u.output_tokens * PRICE.output +
  (u.cache_read_input_tokens ?? 0) * PRICE.cacheRead +
  (u.cache_creation_input_tokens ?? 0) * PRICE.cacheWrite;

function workingDirectory(request: MessagesRequest): string {
  const match = /[Ww]orking directory: (\/[^\s"\\]+)/.exec(JSON.stringify(request));
  if (!match) throw new Error('no working directory in the request');
  return match[1]!.replace(/\\n.*$/, '');
}

/** Every environment of the runner's process group (runner, Claude CLI, its tools), read from /proc. */
function processGroupEnvironments(pgid: number): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      out.push(fs.readFileSync(`/proc/${pid}/environ`, 'utf8'));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

describe('the model gateway: a claude session whose project names a scripted provider', () => {
  let t: PlatformWithForge;
  let api: ScriptedMessagesApi;
  const environments: string[][] = [];
  const call = async (method: string, url: string, payload?: unknown, user = 'alice') =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as(user), payload: payload as object });

  const waitFinished = async (id: string) => {
    const deadline = Date.now() + 120_000;
    let s = (await call('GET', `/api/projects/acme/sessions/${id}`)).json();
    while (!['succeeded', 'failed', 'cancelled'].includes(s.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      s = (await call('GET', `/api/projects/acme/sessions/${id}`)).json();
    }
    await t.ctx.sessions.settled(id);
    return (await call('GET', `/api/projects/acme/sessions/${id}`)).json();
  };

  beforeAll(async () => {
    api = await ScriptedMessagesApi.start(
      (request) => {
        const tools = (request.tools ?? []).map((x) => x.name);
        if (!tools.includes('Write')) return { content: [{ type: 'text', text: 'ok' }] };
        const text = JSON.stringify(request.messages);
        const cwd = workingDirectory(request);
        const done = toolResultsIn(request);
        if (done === 0) {
          // While the agent works: what does every process of the runner's group have in its environment?
          for (const [, child] of (
            t.ctx.sessions.launcher as unknown as { children: Map<string, { pid: number }> }
          ).children)
            environments.push(processGroupEnvironments(child.pid));
        }
        const specify = /Write the planning documents for the feature .{1,80}? in specs\/([^/\s]+)\//.exec(
          text,
        );
        if (specify) {
          const docs = ['spec.md', 'plan.md', 'tasks.md'];
          const body: Record<string, string> = {
            'spec.md':
              '# Feature: Gift cards\n\n## Summary\nCustomers buy and redeem gift cards at checkout.\n',
            'plan.md': '# Plan: Gift cards\n\n## Approach\nA gift-card ledger in repos/api.\n',
            'tasks.md':
              '# Tasks: Gift cards\n\n- [ ] T001 Add the ledger table (repos/api)\n- [ ] T002 [P] Redeem at checkout (repos/web)\n',
          };
          const path = (doc: string) => `${cwd}/specs/${specify[1]}/${doc}`;
          // Claude Code writes over a file only after reading it: read the three templates, then write them.
          if (done === 0) {
            return {
              content: docs.map((doc, i) => ({
                type: 'tool_use' as const,
                id: `toolu_read_${i}`,
                name: 'Read',
                input: { file_path: path(doc) },
              })),
            };
          }
          if (done === 3) {
            return {
              content: docs.map((doc, i) => ({
                type: 'tool_use' as const,
                id: `toolu_write_${i}`,
                name: 'Write',
                input: { file_path: path(doc), content: body[doc]! },
              })),
            };
          }
          return { content: [{ type: 'text', text: 'Wrote the spec, plan and tasks.' }] };
        }
        const steps = text.includes('Write three notes') ? 3 : 1;
        if (done < steps) {
          return {
            usage: TURN_USAGE,
            content: [
              { type: 'text', text: `Writing note ${done + 1}.` },
              {
                type: 'tool_use',
                id: `toolu_${done + 1}`,
                name: 'Write',
                input: { file_path: `${cwd}/notes/note-${done + 1}.md`, content: `# Note ${done + 1}\n` },
              },
            ],
          };
        }
        return { usage: TURN_USAGE, content: [{ type: 'text', text: `Wrote ${steps} note(s).` }] };
      },
      { apiKey: PROVIDER_KEY },
    );
    t = await startPlatformWithForge({
      modelProviderHosts: ['127.0.0.1'],
      modelPrices: { 'claude-scripted': PRICE },
    });
    await t.link('alice');
    expect(
      (await call('POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } })).statusCode,
    ).toBe(201);
    const ws = await call('POST', '/api/projects/acme/workspaces', {
      name: 'notes',
      upstream: 'acme/umbrella',
    });
    expect(ws.statusCode, ws.body).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await api?.stop();
  });

  it('a claude session is refused with what to set while the project has no model', async () => {
    const res = await call('POST', '/api/projects/acme/workspaces/notes/sessions', {
      adapter: 'claude',
      prompt: 'Write one note',
      createFork: true,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('model_not_configured');
    expect(res.json().error.message).toContain('Project settings → Model');
    expect((await call('GET', '/api/projects/acme/sessions')).json().items).toEqual([]);
  });

  it('model settings: admin only, the endpoint is checked, the key is sealed, never returned, rotatable', async () => {
    expect((await call('GET', '/api/projects/acme/model')).json()).toMatchObject({
      configured: false,
      apiKey: 'not-set',
      keySource: 'none',
      endpoint: 'https://api.anthropic.com',
    });
    for (const endpoint of [
      'ftp://127.0.0.1/x',
      'http://user:pw@127.0.0.1:9',
      'http://10.0.0.5:80',
      'not a url',
    ]) {
      const bad = await call('PUT', '/api/projects/acme/model', { endpoint, apiKey: PROVIDER_KEY });
      expect(bad.statusCode, endpoint).toBe(400);
      expect(bad.json().error.message).toMatch(/^endpoint: /);
    }
    await call('PUT', '/api/projects/acme/members/bob', { role: 'edit' });
    const asEditor = await call('PUT', '/api/projects/acme/model', { endpoint: api.url }, 'bob');
    expect(asEditor.statusCode).toBe(403);

    const first = await call('PUT', '/api/projects/acme/model', {
      endpoint: api.url,
      apiKey: 'sk-ant-old-key-0000000000000000000000',
    });
    expect(first.statusCode, first.body).toBe(200);
    const set = await call('PUT', '/api/projects/acme/model', {
      endpoint: api.url,
      apiKey: PROVIDER_KEY,
      defaultModel: 'claude-scripted',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.body).not.toContain('sk-ant');
    expect(set.json()).toMatchObject({
      configured: true,
      apiKey: 'set',
      keySource: 'project',
      endpointSource: 'project',
      defaultModel: 'claude-scripted',
      limits: { sessionBudgetUsd: null, sessionBudgetTokens: null, maxTurns: null, monthlyBudgetUsd: null },
    });
    const row = await t.ctx.db.selectFrom('project_model_settings').selectAll().executeTakeFirstOrThrow();
    expect(row.api_key_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('sk-ant');
    const audit = (await call('GET', '/api/projects/acme/audit')).body;
    expect(audit).toContain('model.set');
    expect(audit).toContain('rotated');
    expect(audit).not.toContain('sk-ant');
  });

  it('the session edits files through tool calls, its PR opens, its usage is what the provider declared, and the key stays in the backend', async () => {
    const before = api.declared.length;
    const res = await call('POST', '/api/projects/acme/workspaces/notes/sessions', {
      adapter: 'claude',
      createFork: true,
      prompt: 'Write one note',
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const s = await waitFinished(id);
    expect(s.status, s.error ?? '').toBe('succeeded');

    // The provider saw the provider key on every request; the runner only ever held its model key.
    expect(api.headers.length).toBeGreaterThan(0);
    expect(api.headers.every((h) => h['x-api-key'] === PROVIDER_KEY)).toBe(true);
    expect(api.headers.some((h) => h.authorization)).toBe(false);
    expect(environments.length).toBeGreaterThan(0);
    for (const envs of environments) {
      expect(envs.length).toBeGreaterThan(0);
      for (const env of envs) {
        expect(env).not.toContain(PROVIDER_KEY);
        expect(env).not.toContain('sk-ant');
      }
      expect(envs.some((env) => env.includes(`/api/runner/sessions/${id}/model`))).toBe(true);
    }
    const runDir = path.join(t.ctx.config.dataDir, 'runs', id);
    // With an agent uid (a root server) the work directory is outside the data directory: its launch file says where.
    const { workDir } = JSON.parse(fs.readFileSync(path.join(runDir, 'launch.json'), 'utf8')) as {
      workDir?: string;
    };
    const files = [runDir, ...(workDir ? [workDir] : [])].flatMap((dir) =>
      fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()),
    );
    expect(files.length).toBeGreaterThan(5);
    const holding = files.filter((f) =>
      fs.readFileSync(path.join(f.parentPath, f.name)).toString('latin1').includes('sk-ant'),
    );
    expect(holding.map((f) => f.name)).toEqual([]);
    const log = (await call('GET', `/api/projects/acme/sessions/${id}/messages?after=0&limit=1000`)).body;
    expect(log).not.toContain('sk-ant');
    expect(log).toContain('notes/note-1.md');

    // Usage recorded = the sum the scripted responses declared.
    const declared = api.declared.slice(before);
    const usage = (await call('GET', `/api/projects/acme/sessions/${id}/usage`)).json();
    const sum = (k: keyof DeclaredUsage) => declared.reduce((n, u) => n + (u[k] ?? 0), 0);
    expect(usage.totals).toMatchObject({
      requests: declared.length,
      inputTokens: sum('input_tokens'),
      outputTokens: sum('output_tokens'),
      cacheReadTokens: sum('cache_read_input_tokens'),
      cacheWriteTokens: sum('cache_creation_input_tokens'),
    });
    expect(usage.totals.costUsd).toBeCloseTo(declared.reduce((n, u) => n + costMicro(u), 0) / 1e6, 6);
    expect(usage.totals.costUsd).toBeGreaterThan(0);
    const project = (await call('GET', '/api/projects/acme/usage')).json();
    expect(project.month.inputTokens).toBe(sum('input_tokens'));
    expect(project.workspaces).toEqual([
      expect.objectContaining({
        workspace: 'notes',
        month: expect.objectContaining({ requests: declared.length }),
      }),
    ]);
    const metrics = await t.ctx.metrics.registry.metrics();
    expect(metrics).toMatch(
      /rfe_model_tokens_total\{project="acme",model="claude-scripted",kind="input"\} \d+/,
    );
    expect(metrics).toContain('rfe_model_cost_usd_total');

    const gh = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    const file = await gh.rest.repos.getContent({
      owner: 'alice',
      repo: 'umbrella',
      path: 'notes/note-1.md',
      ref: s.output.branch,
    });
    expect(Buffer.from((file.data as { content: string }).content, 'base64').toString()).toBe('# Note 1\n');
    expect(s.pullRequests.map((p: { role: string }) => p.role)).toContain('umbrella');
  }, 150_000);

  it("the gateway takes only the session's own model key", async () => {
    const other = await call('GET', '/api/projects/acme/sessions');
    const sessionId = other.json().items[0].id as string;
    const url = `/api/runner/sessions/${sessionId}/model/v1/messages`;
    const payload = JSON.stringify({ model: 'claude-scripted', max_tokens: 10, messages: [] });
    const none = await t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(none.statusCode).toBe(401);
    const runnerToken = t.ctx.runnerTokens.issue(sessionId);
    const withRunner = await t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json', 'x-api-key': runnerToken },
    });
    expect(withRunner.statusCode).toBe(401);
    const { ModelKeys } = await import('../../model/model-keys.ts');
    const foreign = new ModelKeys(t.ctx.keys.sessionSecret).issue('01JAAAAAAAAAAAAAAAAAAAAAAA');
    const wrong = await t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json', 'x-api-key': foreign },
    });
    expect(wrong.statusCode).toBe(403);
    // The session has finished: its own key no longer reaches the provider.
    const own = new ModelKeys(t.ctx.keys.sessionSecret).issue(sessionId);
    const calls = api.headers.length;
    const finished = await t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json', 'x-api-key': own },
    });
    expect(finished.statusCode).toBe(403);
    expect(finished.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(api.headers.length).toBe(calls);
  });

  it('Specify with a model: the agent writes specs/NNN-slug/ (spec-kit numbering), not the template copy', async () => {
    const res = await call('POST', '/api/projects/acme/workspaces/notes/specify', {
      feature: 'gift-cards',
      description: 'Gift cards',
    });
    expect(res.statusCode, res.body).toBe(201);
    const s = await waitFinished(res.json().id);
    expect(s.status, s.error ?? '').toBe('succeeded');
    const admin = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    const read = async (path: string) => {
      const file = await admin.rest.repos.getContent({
        owner: 'acme',
        repo: 'umbrella',
        path,
        ref: 'rfe/notes',
      });
      return Buffer.from((file.data as { content: string }).content, 'base64').toString();
    };
    const spec = await read('specs/001-gift-cards/spec.md');
    expect(spec).toContain('Customers buy and redeem gift cards at checkout.');
    expect(spec).not.toContain('[NEEDS CLARIFICATION');
    expect(await read('specs/001-gift-cards/tasks.md')).toMatch(/^- \[ \] T002 \[P\] /m);
    const log = (await call('GET', `/api/projects/acme/sessions/${s.id}/messages?after=0&limit=1000`)).body;
    expect(log).not.toContain('Templates only');
    const usage = (await call('GET', `/api/projects/acme/sessions/${s.id}/usage`)).json();
    expect(usage.totals.requests).toBeGreaterThan(0);
  }, 150_000);

  it('a budget smaller than the conversation: budget_exceeded, the runner stopped, spend ≤ budget + one request', async () => {
    const turnCost = costMicro(TURN_USAGE);
    // Room for two turns' worth minus a little: the third main turn is refused.
    const budgetMicro = 2 * turnCost - 1000;
    const set = await call('PUT', '/api/projects/acme/model', {
      endpoint: api.url,
      defaultModel: 'claude-scripted',
      limits: { sessionBudgetUsd: budgetMicro / 1e6 },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().apiKey).toBe('set');
    const res = await call('POST', '/api/projects/acme/workspaces/notes/sessions', {
      adapter: 'claude',
      createFork: true,
      prompt: 'Write three notes',
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const launcher = t.ctx.sessions.launcher as ProcessLauncher;
    const pid = launcher.pidOf(id)!;
    expect(pid).toBeGreaterThan(0);
    const s = await waitFinished(id);
    expect(s.status).toBe('failed');
    expect(s.errorCode).toBe('budget_exceeded');
    expect(s.error).toContain('Budget exceeded');
    expect(s.remediation).toContain('Project settings → Model');
    // The runner's whole process group is gone (the launcher stopped it; nothing restarted it).
    const groupAlive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const stopDeadline = Date.now() + 15_000;
    while ((groupAlive() || launcher.pidOf(id) !== undefined) && Date.now() < stopDeadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(groupAlive()).toBe(false);
    expect(launcher.pidOf(id)).toBeUndefined();
    const usage = (await call('GET', `/api/projects/acme/sessions/${id}/usage`)).json();
    expect(usage.budget.usd).toBeCloseTo(budgetMicro / 1e6, 6);
    expect(usage.totals.costUsd * 1e6).toBeGreaterThanOrEqual(budgetMicro);
    expect(usage.totals.costUsd * 1e6).toBeLessThanOrEqual(budgetMicro + turnCost);
    // No note 3: the turn that would have written it was never forwarded.
    const log = (await call('GET', `/api/projects/acme/sessions/${id}/messages?after=0&limit=1000`)).json()
      .items as {
      type: string;
      payload: Record<string, unknown>;
    }[];
    expect(log.some((m) => m.type === 'error' && m.payload.code === 'budget_exceeded')).toBe(true);
    expect(JSON.stringify(log)).not.toContain('note-3.md');
    const calls = api.declared.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(api.declared.length).toBe(calls);
  }, 150_000);
});
