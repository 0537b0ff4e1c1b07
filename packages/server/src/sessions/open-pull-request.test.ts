import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformWithForge, startPlatformWithForge } from '../../test/support/platform-with-forge.ts';
import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { SessionsTable } from '../db/schema.ts';
import { userOctokit } from '../github/user-octokit.ts';
import { openPullRequest } from './open-pull-request.ts';

describe('opening pull requests', () => {
  let t: PlatformWithForge;
  let session: SessionsTable;
  let gh: Octokit;

  beforeAll(async () => {
    t = await startPlatformWithForge();
    await t.link('alice');
    const headers = await t.as('alice');
    await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers,
      payload: { name: 'acme', storage: { kind: 'managed' } },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/projects/acme/workspaces',
      headers,
      payload: { name: 'prs', upstream: 'acme/umbrella' },
    });
    const ws = await t.ctx.db.selectFrom('workspaces').selectAll().executeTakeFirstOrThrow();
    const alice = await t.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('subject', '=', 'alice')
      .executeTakeFirstOrThrow();
    gh = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    const main = await gh.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' });
    await gh.rest.git.createRef({
      owner: 'acme',
      repo: 'api',
      ref: 'refs/heads/feature-x',
      sha: main.data.object.sha,
    });
    await gh.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'api',
      branch: 'feature-x',
      path: 'x.txt',
      message: 'x',
      content: Buffer.from('x').toString('base64'),
    });
    session = {
      id: newId(),
      project_id: ws.project_id,
      workspace_id: ws.id,
      user_id: alice.id,
      kind: 'session',
      adapter: 'localexec',
      prompt: 'x',
      input_repo: 'acme/umbrella',
      input_branch: 'rfe/prs',
      output_repo: 'alice/umbrella',
      output_branch: 'feature-x',
      direct_push: 0,
      status: 'running',
      flags: '[]',
      error: null,
      remediation: null,
      created_at: now(),
      started_at: now(),
      finished_at: null,
    };
    await t.ctx.db.insertInto('sessions').values(session).execute();
  }, 60_000);
  afterAll(() => t?.close());

  it('a PR-creation retry after forge 5xx responses opens no duplicate, and asking again reuses the link', async () => {
    const octokit = await userOctokit(t.ctx, { id: session.user_id });
    const intent = { repo: 'acme/api', head: 'acme:feature-x', base: 'main', title: 'X', body: 'body' };
    t.forge.setFaults({ serverErrorRate: 0.5, only: 'writes' });
    let link: Awaited<ReturnType<typeof openPullRequest>> | undefined;
    try {
      for (let i = 0; i < 5 && !link; i++)
        link = await openPullRequest(t.ctx, octokit, session, intent).catch(() => undefined);
    } finally {
      t.forge.setFaults({});
    }
    expect(link).toBeDefined();
    const again = await openPullRequest(t.ctx, octokit, session, intent);
    expect(again.number).toBe(link!.number);
    const open = await gh.rest.pulls.list({
      owner: 'acme',
      repo: 'api',
      head: 'acme:feature-x',
      state: 'all',
    });
    expect(open.data).toHaveLength(1);
  });
});
