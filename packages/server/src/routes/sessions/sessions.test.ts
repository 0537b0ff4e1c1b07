import os from 'node:os';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';

type Session = {
  id: string;
  title: string;
  status: string;
  flags: string[];
  error: string | null;
  pullRequests: {
    repo: string;
    number: number;
    url: string;
    head: string;
    base: string;
    role: string;
    status: string;
    title?: string;
    additions?: number;
    changedFiles?: number;
  }[];
  output: { branch: string };
};

describe.each(DATABASES)('sessions end to end against the forge, through the public API (%s)', (database) => {
  let t: PlatformWithForge;
  let admin: Octokit;
  const call = async (user: string, method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as(user), payload: payload as object });

  async function finished(user: string, id: string, timeoutMs = 60_000): Promise<Session> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = (await call(user, 'GET', `/api/projects/acme/sessions/${id}`)).json() as Session;
      if (['succeeded', 'failed', 'cancelled'].includes(s.status)) {
        await t.ctx.sessions.settled(id);
        return (await call(user, 'GET', `/api/projects/acme/sessions/${id}`)).json();
      }
      if (Date.now() > deadline) throw new Error(`session ${id} still ${s.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function messages(user: string, id: string) {
    return (await call(user, 'GET', `/api/projects/acme/sessions/${id}/messages?after=0&limit=1000`)).json()
      .items as {
      seq: number;
      type: string;
      payload: Record<string, unknown>;
    }[];
  }

  beforeAll(async () => {
    t = await startPlatformWithForge({}, { database });
    for (const u of ['alice', 'bob', 'carol']) await t.link(u);
    admin = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    await call('alice', 'POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
    await call('alice', 'PUT', '/api/projects/acme/members/bob', { role: 'edit' });
    await call('alice', 'PUT', '/api/projects/acme/members/carol', { role: 'edit' });
    const ws = await call('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'checkout',
      upstream: 'acme/umbrella',
      components: [
        { name: 'api', url: 'acme/api', required: true },
        { name: 'web', url: 'acme/web', required: false },
      ],
    });
    expect(ws.statusCode, ws.body).toBe(201);
  }, 120_000);
  afterAll(() => t?.close());

  it('alice edits the umbrella and repos/api: exactly two PRs, the umbrella PR links the api PR and bumps repos/api', async () => {
    const res = await call('alice', 'POST', '/api/projects/acme/workspaces/checkout/sessions', {
      adapter: 'localexec',
      createFork: true,
      prompt:
        'echo "umbrella change" >> README.md\necho "api change" >> repos/api/README.md\necho edited both',
    });
    expect(res.statusCode, res.body).toBe(201);
    const s = await finished('alice', res.json().id);
    expect(s.status, s.error ?? '').toBe('succeeded');
    const prs = Object.fromEntries(s.pullRequests.map((p) => [p.repo, p]));
    expect(Object.keys(prs).sort()).toEqual(['acme/api', 'acme/umbrella']);
    expect(prs['acme/umbrella']).toMatchObject({
      role: 'umbrella',
      base: 'rfe/checkout',
      head: `alice:${s.output.branch}`,
    });
    expect(prs['acme/api']).toMatchObject({
      role: 'submodule',
      base: 'main',
      head: `alice:${s.output.branch}`,
    });

    const umbrellaPr = await admin.rest.pulls.get({
      owner: 'acme',
      repo: 'umbrella',
      pull_number: prs['acme/umbrella']!.number,
    });
    expect(umbrellaPr.data.body).toContain(prs['acme/api']!.url);
    // With the forge's asynchronous forks and mergeability on (its default), each PR exists exactly once.
    for (const repo of ['umbrella', 'api']) {
      const open = await admin.rest.pulls.list({
        owner: 'acme',
        repo,
        head: `alice:${s.output.branch}`,
        state: 'all',
      });
      expect(open.data, repo).toHaveLength(1);
    }
    // No title given: the prompt's first line names the session and its pull requests.
    expect(s.title).toBe('echo "umbrella change" >> README.md');
    expect(umbrellaPr.data.title).toBe('[rfe/checkout] echo "umbrella change" >> README.md');
    // One session's GET carries each PR as the forge has it: title, state and size.
    const shown = s.pullRequests.find((p) => p.repo === 'acme/umbrella')!;
    expect(shown).toMatchObject({ title: umbrellaPr.data.title, status: 'open' });
    expect(shown.additions).toBe(umbrellaPr.data.additions);
    expect(shown.changedFiles).toBe(umbrellaPr.data.changed_files);
    expect(shown.changedFiles).toBeGreaterThan(0);
    const apiBranch = await admin.rest.repos.getBranch({
      owner: 'alice',
      repo: 'api',
      branch: s.output.branch,
    });
    const pointer = await admin.rest.repos.getContent({
      owner: 'alice',
      repo: 'umbrella',
      path: 'repos/api',
      ref: s.output.branch,
    });
    expect((pointer.data as { sha: string }).sha).toBe(apiBranch.data.commit.sha);

    const log = await messages('alice', s.id);
    expect(log.map((m) => m.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter((m) => m.type === 'pr_intent')).toHaveLength(2);
    expect(log.find((m) => m.type === 'command_output')?.payload).toMatchObject({
      stream: 'stdout',
      chunk: 'edited both\n',
    });
    expect(log.filter((m) => m.type === 'file_change').map((m) => m.payload.path)).toEqual(
      expect.arrayContaining(['README.md', 'repos/api/README.md']),
    );
    expect(log.some((m) => m.type === 'result')).toBe(true);
    const prEvents = log.filter((m) => m.type === 'pr_event').map((m) => m.payload.repo);
    expect(prEvents.sort()).toEqual(['acme/api', 'acme/umbrella']);
  });

  it('with repos/web required, carol is refused before launch, naming it, and nothing is forked for her', async () => {
    await t.ctx.db
      .updateTable('repo_submodules')
      .set({ required: 1 })
      .where('path', '=', 'repos/web')
      .execute();
    try {
      const before = await t.ctx.db.selectFrom('sessions').select('id').execute();
      const res = await call('carol', 'POST', '/api/projects/acme/workspaces/checkout/sessions', {
        adapter: 'localexec',
        createFork: true,
        prompt: 'true',
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'submodule_inaccessible' });
      expect(res.json().error.message).toContain('repos/web');
      expect(await t.ctx.db.selectFrom('sessions').select('id').execute()).toHaveLength(before.length);
      // Every read check comes before any fork: carol has no fork of the umbrella yet, and still has none.
      const fork = await admin.rest.repos.get({ owner: 'carol', repo: 'umbrella' }).catch((e) => e);
      expect(fork.status).toBe(404);
    } finally {
      await t.ctx.db
        .updateTable('repo_submodules')
        .set({ required: 0 })
        .where('path', '=', 'repos/web')
        .execute();
    }
  });

  it("carol's session succeeds flagged incomplete-submodules, and her umbrella PR lists repos/web with remediation", async () => {
    const res = await call('carol', 'POST', '/api/projects/acme/workspaces/checkout/sessions', {
      adapter: 'localexec',
      createFork: true,
      prompt: 'echo "carol" >> README.md',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().flags).toContain('incomplete-submodules');
    const s = await finished('carol', res.json().id);
    expect(s.status, s.error ?? '').toBe('succeeded');
    expect(s.flags).toContain('incomplete-submodules');
    const umbrella = s.pullRequests.find((p) => p.role === 'umbrella')!;
    const pr = await admin.rest.pulls.get({ owner: 'acme', repo: 'umbrella', pull_number: umbrella.number });
    expect(pr.data.body).toContain('repos/web');
    expect(pr.data.body).toMatch(/access/i);
    // The skipped submodule's git error is shown relative to the workspace: no server path anywhere.
    const serverPaths = [t.ctx.config.dataDir, `${os.tmpdir()}/`];
    const texts = [pr.data.body ?? '', JSON.stringify(await messages('carol', s.id)), s.error ?? ''];
    for (const text of texts) for (const p of serverPaths) expect(text).not.toContain(p);
  });

  it('cancel stops the runner within 5 s and the session ends cancelled', async () => {
    const res = await call('alice', 'POST', '/api/projects/acme/workspaces/checkout/sessions', {
      adapter: 'localexec',
      createFork: true,
      prompt: 'sleep 60',
      title: 'Wait a minute',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().title).toBe('Wait a minute');
    const id = res.json().id;
    const deadline = Date.now() + 20_000;
    while (!(await messages('alice', id)).some((m) => m.type === 'command_start') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const started = Date.now();
    const cancel = await call('alice', 'POST', `/api/projects/acme/sessions/${id}/cancel`);
    expect(cancel.statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    const s = await finished('alice', id, 10_000);
    expect(s.status).toBe('cancelled');
  });

  it('a viewer cannot start a session or run Specify (403 naming the capability)', async () => {
    await call('alice', 'PUT', '/api/projects/acme/members/bob', { role: 'view' });
    const session = await call('bob', 'POST', '/api/projects/acme/workspaces/checkout/sessions', {
      adapter: 'localexec',
      prompt: 'true',
    });
    expect(session.statusCode).toBe(403);
    expect(session.json().error.message).toContain('session.start');
    const specify = await call('bob', 'POST', '/api/projects/acme/workspaces/checkout/specify', {
      description: 'x',
    });
    expect(specify.statusCode).toBe(403);
    expect(specify.json().error.message).toContain('specify.run');
    await call('alice', 'PUT', '/api/projects/acme/members/bob', { role: 'edit' });
  });

  it('Specify as alice pushes specs/{feature}/ to canonical; as bob it opens a PR from his fork', async () => {
    const a = await call('alice', 'POST', '/api/projects/acme/workspaces/checkout/specify', {
      feature: 'one-page',
      description: 'One-page checkout',
    });
    expect(a.statusCode, a.body).toBe(201);
    const sa = await finished('alice', a.json().id);
    expect(sa.status, sa.error ?? '').toBe('succeeded');
    expect(sa.pullRequests).toEqual([]);
    const spec = await admin.rest.repos.getContent({
      owner: 'acme',
      repo: 'umbrella',
      path: 'specs/001-one-page/spec.md', // spec-kit numbering: the first feature is 001-
      ref: 'rfe/checkout',
    });
    expect(Buffer.from((spec.data as { content: string }).content, 'base64').toString()).toContain(
      'One-page checkout',
    );

    const b = await call('bob', 'POST', '/api/projects/acme/workspaces/checkout/specify', {
      feature: 'bob-idea',
      description: 'Gift cards',
    });
    expect(b.statusCode, b.body).toBe(201);
    const sb = await finished('bob', b.json().id);
    expect(sb.status, sb.error ?? '').toBe('succeeded');
    expect(sb.pullRequests).toHaveLength(1);
    expect(sb.pullRequests[0]).toMatchObject({
      repo: 'acme/umbrella',
      base: 'rfe/checkout',
      role: 'umbrella',
    });
    expect(sb.pullRequests[0]!.head.startsWith('bob:')).toBe(true);
    const onForge = await admin.rest.pulls.list({
      owner: 'acme',
      repo: 'umbrella',
      head: sb.pullRequests[0]!.head,
      state: 'all',
    });
    expect(onForge.data).toHaveLength(1);
  });
});
