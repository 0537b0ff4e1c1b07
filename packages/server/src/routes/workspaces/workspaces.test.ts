import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';

describe.each(DATABASES)('workspaces against the forge (%s)', (database) => {
  let t: PlatformWithForge;
  let aliceGh: Octokit;
  const call = async (user: string, method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as(user), payload: payload as object });

  beforeAll(async () => {
    t = await startPlatformWithForge({}, { database });
    for (const u of ['alice', 'bob', 'carol']) await t.link(u);
    aliceGh = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    await call('alice', 'POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
    await call('alice', 'PUT', '/api/projects/acme/members/bob', { role: 'view' });
    await call('alice', 'PUT', '/api/projects/acme/members/carol', { role: 'edit' });
  });
  afterAll(() => t?.close());

  it('alice creates a workspace: the canonical branch holds the structure and both submodules', async () => {
    const res = await call('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'Checkout Flow',
      upstream: 'acme/umbrella',
      components: [
        { name: 'api', url: 'acme/api', required: true },
        { name: 'web', url: `${t.forge.url}/acme/web.git`, required: false },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const ws = res.json();
    expect(ws).toMatchObject({
      slug: 'checkout-flow',
      canonicalBranch: 'rfe/checkout-flow',
      upstream: { owner: 'acme', repo: 'umbrella' },
    });
    expect(
      ws.submodules.map((m: { path: string; repo: string; required: boolean }) => [
        m.path,
        m.repo,
        m.required,
      ]),
    ).toEqual([
      ['repos/api', 'acme/api', true],
      ['repos/web', 'acme/web', false],
    ]);
    const tree = await aliceGh.rest.git.getTree({
      owner: 'acme',
      repo: 'umbrella',
      tree_sha: 'rfe/checkout-flow',
      recursive: 'true',
    });
    const paths = tree.data.tree.map((e) => e.path);
    for (const p of [
      '.claude/commands/specify.md',
      '.specify/templates/spec-template.md',
      '.specify/memory/constitution.md',
      'specs/README.md',
      '.gitmodules',
    ]) {
      expect(paths).toContain(p);
    }
    const links = tree.data.tree.filter((e) => e.mode === '160000').map((e) => e.path);
    expect(links).toEqual(['repos/api', 'repos/web']);
    const apiHead = await aliceGh.rest.repos.getBranch({ owner: 'acme', repo: 'api', branch: 'main' });
    expect(ws.submodules[0].lastResolvedSha).toBe(apiHead.data.commit.sha);
  });

  it('the same name again is refused with 409 naming the conflict', async () => {
    const res = await call('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'checkout flow',
      upstream: 'acme/umbrella',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'slug_taken' });
    expect(res.json().error.message).toContain('checkout-flow');
  });

  it('re-running on a bootstrapped branch changes nothing', async () => {
    const before = await aliceGh.rest.repos.getBranch({
      owner: 'acme',
      repo: 'umbrella',
      branch: 'rfe/checkout-flow',
    });
    await call('alice', 'POST', '/api/projects', { name: 'acme-two', storage: { kind: 'managed' } });
    const res = await call('alice', 'POST', '/api/projects/acme-two/workspaces', {
      name: 'checkout-flow',
      upstream: { owner: 'acme', repo: 'umbrella' },
      components: [{ name: 'api', url: 'acme/api' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const after = await aliceGh.rest.repos.getBranch({
      owner: 'acme',
      repo: 'umbrella',
      branch: 'rfe/checkout-flow',
    });
    expect(after.data.commit.sha).toBe(before.data.commit.sha);
  });

  it('a viewer cannot create a workspace (403 naming the capability)', async () => {
    const res = await call('bob', 'POST', '/api/projects/acme/workspaces', {
      name: 'x',
      upstream: 'acme/umbrella',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('workspace.manage');
  });

  it('bob, admin of his own project but read-only upstream, gets 403 with the remedy for a missing canonical branch', async () => {
    await call('bob', 'POST', '/api/projects', { name: 'bobs', storage: { kind: 'managed' } });
    const res = await call('bob', 'POST', '/api/projects/bobs/workspaces', {
      name: 'Bob Idea',
      upstream: 'acme/umbrella',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/rfe\/bob-idea.*write access.*Ask a maintainer/s);
    expect(res.json().error.details).toMatchObject({ remedy: 'create-branch', base: 'main' });
    const missing = await aliceGh.rest.git
      .getRef({ owner: 'acme', repo: 'umbrella', ref: 'heads/rfe/bob-idea' })
      .catch((e) => e.status);
    expect(missing).toBe(404);
  });

  it('upstreams off the configured host and repository URLs with credentials are refused', async () => {
    const off = await call('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'evil',
      upstream: 'https://evil.example/acme/umbrella',
    });
    expect(off.statusCode).toBe(400);
    expect(off.json().error.message).toContain('not the configured Git host');
    const creds = await call('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'creds',
      upstream: `http://x:y@${new URL(t.forge.url).host}/acme/umbrella`,
    });
    expect(creds.statusCode).toBe(400);
  });

  it('the upstream binding is immutable', async () => {
    const res = await call('alice', 'PATCH', '/api/projects/acme/workspaces/checkout-flow', {
      upstream: 'acme/api',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('upstream_immutable');
    const rename = await call('alice', 'PATCH', '/api/projects/acme/workspaces/checkout-flow', {
      name: 'Checkout',
      upstream: 'acme/umbrella',
    });
    expect(rename.statusCode).toBe(200);
    expect(rename.json().name).toBe('Checkout');
  });

  it('the tree under repos/ shows submodules with their repository and pinned SHA, and browses into acme/api', async () => {
    const res = await call('bob', 'GET', '/api/projects/acme/workspaces/checkout-flow/tree?path=repos');
    expect(res.statusCode, res.body).toBe(200);
    const api = res.json().entries.find((e: { name: string }) => e.name === 'api');
    const pinned = (await call('bob', 'GET', '/api/projects/acme/workspaces/checkout-flow')).json()
      .submodules[0].lastResolvedSha;
    expect(api).toMatchObject({
      type: 'submodule',
      submodule: { repo: 'acme/api', sha: pinned, accessible: true },
    });
    const inside = await call(
      'bob',
      'GET',
      `/api/projects/acme/workspaces/checkout-flow/tree?repo=acme/api&ref=${pinned}`,
    );
    expect(inside.statusCode, inside.body).toBe(200);
    expect(inside.json().entries.map((e: { name: string }) => e.name)).toContain('README.md');
    const blob = await call(
      'bob',
      'GET',
      `/api/projects/acme/workspaces/checkout-flow/blob?path=specs/README.md`,
    );
    expect(blob.json()).toMatchObject({ encoding: 'utf-8', binary: false, tooLarge: false });
    expect(blob.json().content).toContain('# Specs');
  });

  it('for carol, repos/web is marked inaccessible while the rest of the tree loads', async () => {
    const res = await call('carol', 'GET', '/api/projects/acme/workspaces/checkout-flow/tree?path=repos');
    expect(res.statusCode, res.body).toBe(200);
    const byName = Object.fromEntries(res.json().entries.map((e: { name: string }) => [e.name, e]));
    expect(byName.web.submodule).toMatchObject({ repo: 'acme/web', accessible: false });
    expect(byName.web.submodule.reason).toContain('cannot read');
    expect(byName.api.submodule.accessible).toBe(true);
    const denied = await call(
      'carol',
      'GET',
      '/api/projects/acme/workspaces/checkout-flow/tree?repo=acme/web',
    );
    expect(denied.statusCode).toBe(404);
  });

  it('path traversal and repositories outside the workspace are refused', async () => {
    const traversal = await call(
      'alice',
      'GET',
      '/api/projects/acme/workspaces/checkout-flow/blob?path=../../etc/passwd',
    );
    expect(traversal.statusCode).toBe(400);
    expect(traversal.json().error.message).toContain('path');
    const outside = await call(
      'alice',
      'GET',
      '/api/projects/acme/workspaces/checkout-flow/tree?repo=alice/secret',
    );
    expect(outside.statusCode).toBe(403);
  });

  it('status shows the canonical head, ahead/behind the default branch and merge-policy warnings', async () => {
    const res = await call('bob', 'GET', '/api/projects/acme/workspaces/checkout-flow/status');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    const head = await aliceGh.rest.repos.getBranch({
      owner: 'acme',
      repo: 'umbrella',
      branch: 'rfe/checkout-flow',
    });
    expect(s).toMatchObject({
      canonicalBranch: 'rfe/checkout-flow',
      defaultBranch: 'main',
      exists: true,
      head: head.data.commit.sha,
      aheadBy: 1,
      behindBy: 0,
    });
    expect(s.warnings).toEqual([]);
    await aliceGh.rest.repos.update({ owner: 'acme', repo: 'umbrella', allow_merge_commit: false });
    const synced = await call('alice', 'POST', '/api/projects/acme/workspaces/checkout-flow/sync'); // sync needs edit
    expect(synced.json().warnings.map((w: { code: string }) => w.code)).toEqual(['merge_commits_disabled']);
    await aliceGh.rest.repos.update({ owner: 'acme', repo: 'umbrella', allow_merge_commit: true });
  });

  it('a push made directly on the forge appears in status within 2 s through the webhook', async () => {
    const before = (await call('alice', 'GET', '/api/projects/acme/workspaces/checkout-flow/status')).json();
    const commit = await aliceGh.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'umbrella',
      branch: 'rfe/checkout-flow',
      path: 'specs/notes.md',
      message: 'notes',
      content: Buffer.from('hello').toString('base64'),
    });
    const deadline = Date.now() + 2000;
    let head = before.head;
    while (Date.now() < deadline && head !== commit.data.commit.sha) {
      await new Promise((r) => setTimeout(r, 50));
      head = (await call('alice', 'GET', '/api/projects/acme/workspaces/checkout-flow/status')).json().head;
    }
    expect(head).toBe(commit.data.commit.sha);
  });
});
