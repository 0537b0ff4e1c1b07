import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '../../../test/support/browser.ts';
import { DATABASES } from '../../../test/support/databases.ts';
import { findLeaks, type GithubHarness, startGithubHarness } from '../../../test/support/github-harness.ts';
import { startTestApp } from '../../../test/support/test-app.ts';
import { findGithubLink } from '../../db/github-links.ts';
import { findUserBySubject, type User } from '../../db/users.ts';
import { signInstallState, verifyInstallState } from '../../github/install-state.ts';
import { refreshSealContext } from '../../github/token-broker.ts';

describe.each(DATABASES)('GitHub App linking against the forge (%s)', (database) => {
  let h: GithubHarness;
  let users: Record<'alice' | 'bob' | 'carol', User>;
  let aliceInstallation: number;
  const secrets: string[] = [];

  beforeAll(async () => {
    h = await startGithubHarness(database);
    const find = async (s: string) => (await findUserBySubject(h.t.ctx.db, s))!;
    users = { alice: await find('alice'), bob: await find('bob'), carol: await find('carol') };
    [aliceInstallation] = await h.installationsOf('alice');
  });
  afterAll(() => h?.close());

  /** Keeps the user's live tokens for the leak scan (they are only in memory and, sealed, in the database). */
  async function rememberSecrets(user: User) {
    secrets.push((await h.github.broker.userAccessToken(user.id)).token);
    const sealed = (await findGithubLink(h.t.ctx.db, user.id))!.refreshTokenSealed!;
    secrets.push(h.t.ctx.secretBox.open(sealed, refreshSealContext(user.id)));
  }

  const json = (b: Browser, url: string, init: Parameters<Browser['request']>[1] = {}) =>
    b
      .request(`${h.appUrl}${url}`, init)
      .then((p) => ({ status: p.status, body: p.body ? JSON.parse(p.body) : null }));

  it("GET /api/github/install redirects to the App's installation page with a state signed for me", async () => {
    const browser = await h.signIn('alice');
    const res = await browser.request(`${h.appUrl}/api/github/install`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(
      `${h.forge.url}/apps/${h.forge.app.slug}/installations/new`,
    );
    const state = location.searchParams.get('state')!;
    expect(() => verifyInstallState(h.t.ctx.keys.sessionSecret, state, users.alice.id)).not.toThrow();
    expect(() => verifyInstallState(h.t.ctx.keys.sessionSecret, state, users.bob.id)).toThrow(/another user/);
  });

  it('alice links her account end to end, through real redirects', async () => {
    const browser = await h.signIn('alice');
    expect(await h.linkAccount(browser)).toEqual({ status: 302, location: '/?github=linked' });
    const setup = new URL(browser.history.find((p) => p.url.includes('/api/github/callback?'))!.url);
    expect(setup.searchParams.get('installation_id')).toBe(String(aliceInstallation));
    expect(setup.searchParams.get('setup_action')).toBe('install');

    const status = await json(browser, '/api/github/status');
    // Her own account's installation and acme's (she is a member of the organization the App is on).
    expect(status.body.installationIds).toHaveLength(2);
    expect(status).toEqual({
      status: 200,
      body: {
        linked: true,
        login: 'alice',
        githubUserId: expect.any(Number),
        installationIds: expect.arrayContaining([aliceInstallation]),
        host: new URL(h.forge.url).host,
        updatedAt: expect.any(String),
      },
    });
    const row = await h.t.ctx.db
      .selectFrom('github_links')
      .selectAll()
      .where('user_id', '=', users.alice.id)
      .executeTakeFirstOrThrow();
    expect(row.refresh_token_enc).toMatch(/^v1\./); // sealed at rest
    const audit = await h.t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'github.link')
      .execute();
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'alice', target: 'github:alice', outcome: 'success' }),
    ]);
    await rememberSecrets(users.alice);
  });

  it('an authorization code works once: replaying the callback is refused and changes nothing', async () => {
    const browser = h.browsers.at(-1)!;
    const callback = browser.history.find((p) => p.url.includes('/api/github/callback?'))!;
    const before = await findGithubLink(h.t.ctx.db, users.alice.id);
    const replay = await json(browser, callback.url.slice(h.appUrl.length));
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('github_code_invalid');
    expect(await findGithubLink(h.t.ctx.db, users.alice.id)).toEqual(before);
  });

  it("bob cannot claim alice's installation id: 403, nothing stored", async () => {
    const browser = await h.signIn('bob');
    const install = await browser.request(`${h.appUrl}/api/github/install`);
    const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
    // Bob authorizes the App for himself (a genuine code), then edits the callback URL.
    const authorize = new URL('/login/oauth/authorize', h.forge.url);
    authorize.search = new URLSearchParams({
      client_id: h.forge.app.clientId,
      state,
      login: 'bob',
    }).toString();
    const toCallback = await browser.visit(
      authorize.href,
      {},
      { stopAt: (next) => next.pathname === '/api/github/callback' },
    );
    const callback = new URL(toCallback.headers.get('location')!);
    expect(callback.searchParams.get('code')).toBeTruthy();
    callback.searchParams.set('installation_id', String(aliceInstallation));
    callback.searchParams.set('setup_action', 'install');

    const res = await json(browser, `${callback.pathname}${callback.search}`);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      new RegExp(`Installation ${aliceInstallation} does not belong to GitHub user bob`),
    );
    expect(await findGithubLink(h.t.ctx.db, users.bob.id)).toBeNull();
    expect((await json(browser, '/api/github/status')).body).toEqual({ linked: false });
    const denied = await h.t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('actor', '=', 'bob')
      .execute();
    expect(denied).toEqual([expect.objectContaining({ action: 'github.link', outcome: 'denied' })]);
  });

  it('a forged, expired or foreign state is refused with a clear error and stores nothing', async () => {
    const browser = await h.signIn('bob');
    const secret = h.t.ctx.keys.sessionSecret;
    const cases: [string | undefined, string][] = [
      [undefined, 'github_state_invalid'],
      ['eyJ1IjoiYm9iIn0.9999999999999.forged', 'github_state_invalid'],
      [signInstallState(`${secret}-other`, users.bob.id), 'github_state_invalid'],
      [signInstallState(secret, users.bob.id, Date.now() - 11 * 60_000), 'github_state_expired'],
      [signInstallState(secret, users.alice.id), 'github_state_foreign'],
    ];
    for (const [state, code] of cases) {
      const query = new URLSearchParams({
        code: 'c0de',
        installation_id: String(aliceInstallation),
        setup_action: 'install',
      });
      if (state) query.set('state', state);
      const res = await json(browser, `/api/github/callback?${query}`);
      expect(res.status, code).toBe(400);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(/Connect GitHub/);
    }
    expect(await findGithubLink(h.t.ctx.db, users.bob.id)).toBeNull();
  });

  it('a browser arriving with a bad state is sent back to the UI with the reason', async () => {
    const browser = await h.signIn('bob');
    const res = await browser.request(
      `${h.appUrl}/api/github/callback?code=c0de&installation_id=${aliceInstallation}&state=forged`,
      {
        headers: { accept: 'text/html' },
      },
    );
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!, 'http://x');
    expect(location.pathname).toBe('/');
    expect(location.searchParams.get('github')).toBe('error');
    expect(location.searchParams.get('code')).toBe('github_state_invalid');
    expect(await findGithubLink(h.t.ctx.db, users.bob.id)).toBeNull();
  });

  it('API clients get JSON from the callback instead of the redirect into the UI', async () => {
    const browser = await h.signIn('carol');
    const page = await browser.visit(`${h.appUrl}/api/github/install`, {
      headers: { accept: 'application/json' },
    });
    expect(page.status).toBe(200);
    expect(JSON.parse(page.body)).toMatchObject({ linked: true, login: 'carol' });
    await rememberSecrets(users.carol);
  });

  it('forks: list mine of a repository, and fork one as me', async () => {
    const headers = await h.t.as('alice');
    const list = async () =>
      h.record(await h.t.app.inject({ method: 'GET', url: '/api/github/forks?repo=acme/api', headers }));
    expect((await list()).json()).toEqual({ items: [] });
    const created = h.record(
      await h.t.app.inject({
        method: 'POST',
        url: '/api/github/forks',
        headers,
        payload: { repo: 'acme/api' },
      }),
    );
    expect(created.statusCode).toBe(202);
    expect(created.json()).toMatchObject({
      fullName: 'alice/api',
      owner: 'alice',
      name: 'api',
      private: true,
    });
    expect((await list()).json().items.map((f: { fullName: string }) => f.fullName)).toEqual(['alice/api']);
    const audit = await h.t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'github.fork.create')
      .execute();
    expect(audit).toEqual([expect.objectContaining({ actor: 'alice', target: 'repo:acme/api' })]);
  });

  it('forks need a linked account and a repository the user can see', async () => {
    const bob = await h.t.as('bob');
    const unlinked = h.record(
      await h.t.app.inject({
        method: 'POST',
        url: '/api/github/forks',
        headers: bob,
        payload: { repo: 'acme/api' },
      }),
    );
    expect(unlinked.statusCode).toBe(409);
    expect(unlinked.json().error.code).toBe('github_not_linked');
    const carol = await h.t.as('carol'); // carol has no access to acme/web
    const hidden = h.record(
      await h.t.app.inject({ method: 'GET', url: '/api/github/forks?repo=acme/web', headers: carol }),
    );
    expect(hidden.statusCode).toBe(404);
  });

  it('unlinking forgets the link and is audited; unlinking twice says there is nothing to unlink', async () => {
    const headers = await h.t.as('carol');
    const del = () => h.t.app.inject({ method: 'DELETE', url: '/api/github/link', headers }).then(h.record);
    expect((await del()).statusCode).toBe(204);
    expect(
      h.record(await h.t.app.inject({ method: 'GET', url: '/api/github/status', headers })).json(),
    ).toEqual({ linked: false });
    expect((await del()).statusCode).toBe(404);
    const audit = await h.t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'github.unlink')
      .execute();
    expect(audit).toEqual([expect.objectContaining({ actor: 'carol', target: 'github:carol' })]);
    await expect(h.github.broker.userAccessToken(users.carol.id)).rejects.toMatchObject({
      code: 'github_not_linked',
    });
  });

  // Runs last: everything above had its chance to leak.
  it('no user or refresh token appears in logs, responses, the audit log or anything on disk', async () => {
    expect(secrets).toHaveLength(4);
    const audit = await h.t.ctx.db.selectFrom('audit_events').selectAll().execute();
    expect(findLeaks(h, secrets, audit)).toEqual([]);
  });
});

describe.each(DATABASES)('without a connected Git host (%s)', (database) => {
  it('the GitHub routes answer 503 with a clear error', async () => {
    const t = await startTestApp({}, {}, { database });
    try {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/github/install',
        headers: await t.as('alice'),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('github_unavailable');
    } finally {
      await t.close();
    }
  });
});
