import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';

describe("GET /api/projects/:p/gitmodules (the umbrella's .gitmodules as component suggestions)", () => {
  let h: PlatformWithForge;
  const get = async (user: string, query: string) => {
    const res = await fetch(`${h.url}/api/projects/acme/gitmodules?${query}`, { headers: await h.as(user) });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    h = await startPlatformWithForge({}, { webhooks: false });
    await h.link('alice');
    const headers = { ...(await h.as('alice')), 'content-type': 'application/json' };
    const created = await fetch(`${h.url}/api/projects`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'acme', storage: { kind: 'managed' } }),
    });
    expect(created.status).toBe(201);
    await fetch(`${h.url}/api/projects/acme/members/bob`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ role: 'view' }),
    });
  }, 120_000);
  afterAll(() => h?.close());

  it('lists each submodule with its repos/ name and owner/name on the configured host', async () => {
    const { status, body } = await get('alice', 'upstream=acme/umbrella');
    expect(status).toBe(200);
    expect(body).toEqual({
      upstream: 'acme/umbrella',
      ref: 'main',
      gitHost: h.forge.url,
      components: [
        {
          name: 'api',
          path: 'repos/api',
          url: `${h.forge.url}/acme/api.git`,
          repo: 'acme/api',
          branch: null,
        },
        {
          name: 'web',
          path: 'repos/web',
          url: `${h.forge.url}/acme/web.git`,
          repo: 'acme/web',
          branch: null,
        },
      ],
    });
  });

  it('answers an empty list for a repository without .gitmodules', async () => {
    const { status, body } = await get('alice', 'upstream=acme/api');
    expect(status).toBe(200);
    expect(body.components).toEqual([]);
  });

  it('names the upstream field when the repository does not exist or cannot be read', async () => {
    const { status, body } = await get('alice', 'upstream=acme/nothing-here');
    expect(status).toBe(404);
    expect(body.error.details).toEqual({ field: 'upstream' });
    expect(body.error.message).toContain('acme/nothing-here');
  });

  it('refuses a malformed upstream and viewers (who cannot create workspaces)', async () => {
    expect((await get('alice', 'upstream=../etc')).status).toBe(400);
    const viewer = await get('bob', 'upstream=acme/umbrella');
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.message).toContain('workspace.manage');
  });
});
