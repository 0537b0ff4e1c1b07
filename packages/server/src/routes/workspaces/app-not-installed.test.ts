import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { seedWithoutOrgInstallation } from '@rfe/forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';

/**
 * GitHub gives a user access token only what both the user and the App can reach, so the platform reads
 * upstreams through the App's installation on their owner. Without one, it refuses up front, naming the
 * remedy, and leaves nothing behind (no workspace row, no branch, no fork, no session).
 */

const installUrl = (t: PlatformWithForge) => `${t.forge.url}/apps/${t.forge.app.slug}/installations/new`;

const callAs =
  (t: PlatformWithForge) => async (user: string, method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as(user), payload: payload as object });

async function setUp(t: PlatformWithForge) {
  for (const u of ['alice', 'bob']) await t.link(u);
  const call = callAs(t);
  await call('alice', 'POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
  await call('alice', 'PUT', '/api/projects/acme/members/bob', { role: 'edit' });
}

describe('the App is not installed on the upstream owner (acme)', () => {
  let t: PlatformWithForge;
  beforeAll(async () => {
    t = await startPlatformWithForge({}, { seed: seedWithoutOrgInstallation });
    await setUp(t);
  });
  afterAll(() => t?.close());

  it('workspace creation is refused with 422 naming the install URL; nothing is stored or created', async () => {
    const res = await callAs(t)('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'Checkout',
      upstream: 'acme/umbrella',
      components: [{ name: 'api', url: 'acme/api' }],
    });
    expect(res.statusCode, res.body).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('app_not_installed');
    expect(error.message).toContain(`Install the GitHub App on acme: ${installUrl(t)}`);
    expect(error.details).toMatchObject({ owner: 'acme', installUrl: installUrl(t), remedy: 'install-app' });
    expect(await t.ctx.db.selectFrom('workspaces').selectAll().execute()).toEqual([]);
    const alice = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    const branch = await alice.rest.repos
      .getBranch({ owner: 'acme', repo: 'umbrella', branch: 'rfe/checkout' })
      .catch((e) => e);
    expect(branch.status).toBe(404);
  });
});

describe('the App is uninstalled from acme after a workspace was created', () => {
  let t: PlatformWithForge;
  beforeAll(async () => {
    t = await startPlatformWithForge();
    await setUp(t);
    const res = await callAs(t)('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'Checkout',
      upstream: 'acme/umbrella',
    });
    if (res.statusCode !== 201) throw new Error(res.body);
    const app = new Octokit({
      baseUrl: t.forge.apiUrl,
      authStrategy: createAppAuth,
      auth: { appId: t.forge.app.id, privateKey: t.forge.app.privateKeyPem },
    });
    const { data } = await app.rest.apps.getOrgInstallation({ org: 'acme' });
    expect((await app.rest.apps.deleteInstallation({ installation_id: data.id })).status).toBe(204);
  });
  afterAll(() => t?.close());

  it('session start and Specify are refused with the remedy before anything is forked or launched', async () => {
    const call = callAs(t);
    for (const [url, body] of [
      [
        '/api/projects/acme/workspaces/checkout/sessions',
        { adapter: 'localexec', createFork: true, prompt: 'x' },
      ],
      ['/api/projects/acme/workspaces/checkout/specify', { description: 'A feature', feature: 'f' }],
    ] as const) {
      const res = await call('bob', 'POST', url, body);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('app_not_installed');
      expect(res.json().error.message).toContain(`Install the GitHub App on acme: ${installUrl(t)}`);
    }
    expect(await t.ctx.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    const bob = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('bob') });
    expect((await bob.rest.repos.get({ owner: 'bob', repo: 'umbrella' }).catch((e) => e)).status).toBe(404);
  });

  it('a status refresh reports the same remedy', async () => {
    const res = await callAs(t)('alice', 'POST', '/api/projects/acme/workspaces/checkout/sync');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('app_not_installed');
  });
});
