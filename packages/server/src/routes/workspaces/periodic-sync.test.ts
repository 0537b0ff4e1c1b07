import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';

describe.each(DATABASES)('workspace status without webhooks; browsing under faults (%s)', (database) => {
  let t: PlatformWithForge;
  const call = async (user: string, method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as(user), payload: payload as object });

  beforeAll(async () => {
    t = await startPlatformWithForge({ syncIntervalSeconds: 1 }, { webhooks: false, database });
    await t.link('alice');
    await call('alice', 'POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
    const res = await call('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'sync',
      upstream: 'acme/umbrella',
    });
    expect(res.statusCode, res.body).toBe(201);
  });
  afterAll(() => t?.close());

  it('with webhooks off, a direct push shows up in status within one sync period', async () => {
    const gh = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    const commit = await gh.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'umbrella',
      branch: 'rfe/sync',
      path: 'specs/periodic.md',
      message: 'periodic',
      content: Buffer.from('x').toString('base64'),
    });
    const deadline = Date.now() + 2500;
    let status = (await call('alice', 'GET', '/api/projects/acme/workspaces/sync/status')).json();
    while (Date.now() < deadline && status.head !== commit.data.commit.sha) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call('alice', 'GET', '/api/projects/acme/workspaces/sync/status')).json();
    }
    expect(status.head).toBe(commit.data.commit.sha);
    expect(status.syncSource).toBe('periodic');
  });

  it('browsing succeeds through retries while the forge injects 5xx and secondary rate limits', async () => {
    t.forge.setFaults({ serverErrorRate: 0.15, secondaryRateLimitRate: 0.1, retryAfterSeconds: 0 });
    try {
      for (let i = 0; i < 10; i++) {
        const tree = await call(
          'alice',
          'GET',
          `/api/projects/acme/workspaces/sync/tree?path=repos&ref=rfe/sync`,
        );
        expect(tree.statusCode, tree.body).toBe(200);
        const blob = await call('alice', 'GET', '/api/projects/acme/workspaces/sync/blob?path=README.md');
        expect(blob.statusCode, blob.body).toBe(200);
      }
    } finally {
      t.forge.setFaults({});
    }
  });
});
