import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appOctokit,
  installationId,
  installationToken,
  octokit,
  startTestForge,
  type TestForge,
} from './helpers.ts';

/** Installation accounts are users/orgs or enterprises (which have no login). */
const accountLogin = (a: unknown) =>
  a && typeof a === 'object' && 'login' in a ? String(a.login) : undefined;

let t: TestForge;
let clock = Date.now();

beforeAll(async () => {
  t = await startTestForge({ now: () => clock });
});
afterAll(() => t.close());

async function jwt(
  claims: { iss?: string | number; iat?: number; exp?: number },
  pem = t.forge.app.privateKeyPem,
) {
  const { createPrivateKey } = await import('node:crypto');
  const pkcs8 = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
  const now = Math.floor(clock / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(String(claims.iss ?? t.forge.app.id))
    .setIssuedAt(claims.iat ?? now - 30)
    .setExpirationTime(claims.exp ?? now + 540)
    .sign(await importPKCS8(pkcs8, 'RS256'));
}

async function getApp(token: string) {
  const res = await fetch(`${t.forge.apiUrl}/app`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('App authentication (JWT)', () => {
  it('GET /app works with an App JWT signed by Octokit', async () => {
    const { data } = await appOctokit(t.forge).rest.apps.getAuthenticated();
    expect(data?.slug).toBe('rfe-workbench');
    expect((await getApp(await jwt({ iss: String(t.forge.app.id) }))).status).toBe(200);
    expect((await getApp(await jwt({ iss: t.forge.app.id }))).status).toBe(200);
  });

  it('refuses bad JWTs with GitHub messages', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const now = Math.floor(clock / 1000);
    const cases: [string, string][] = [
      ['not.a.jwt', 'A JSON web token could not be decoded'],
      [await jwt({}, otherKey), 'A JSON web token could not be decoded'],
      [await jwt({ iss: 999 }), 'A JSON web token could not be decoded'],
      [
        await jwt({ iat: now, exp: now + 20 * 60 }),
        "'Expiration time' claim ('exp') is too far in the future",
      ],
      [
        await jwt({ iat: now - 700, exp: now - 100 }),
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      ],
      [
        await jwt({ iat: now + 3600, exp: now + 3700 }),
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
      ],
    ];
    for (const [token, message] of cases) {
      const r = await getApp(token);
      expect(r.status, message).toBe(401);
      expect(r.body.message).toBe(message);
    }
    const asUser = await getApp(await t.forge.userToken('alice'));
    expect(asUser.status).toBe(401);
  });
});

describe('installations and installation tokens', () => {
  it('lists the installations: acme and one per user account', async () => {
    const { data } = await appOctokit(t.forge).rest.apps.listInstallations();
    expect(data.map((i) => accountLogin(i.account)).sort()).toEqual(['acme', 'alice', 'bob', 'carol']);
    const one = await appOctokit(t.forge).rest.apps.getInstallation({ installation_id: data[0].id });
    expect(one.data.app_slug).toBe('rfe-workbench');
    const org = await appOctokit(t.forge).rest.apps.getOrgInstallation({ org: 'acme' });
    expect(org.data.repository_selection).toBe('all');
    const none = await appOctokit(t.forge)
      .rest.apps.getOrgInstallation({ org: 'no-such-org' })
      .catch((e) => e);
    expect(none.status).toBe(404);
  });

  it('mints 1-hour ghs_ tokens narrowed to repositories and permissions', async () => {
    const alice = octokit(t.forge, await t.forge.userToken('alice'));
    await alice.rest.repos.createForAuthenticatedUser({ name: 'one', auto_init: true, private: true });
    await alice.rest.repos.createForAuthenticatedUser({ name: 'two', auto_init: true, private: true });
    const id = await installationId(t.forge, 'alice');
    const app = appOctokit(t.forge);
    const { data } = await app.rest.apps.createInstallationAccessToken({
      installation_id: id,
      repositories: ['one'],
      permissions: { contents: 'read' },
    });
    expect(data.token).toMatch(/^ghs_/);
    expect(Date.parse(data.expires_at) - clock).toBeGreaterThan(59 * 60 * 1000);
    expect(Date.parse(data.expires_at) - clock).toBeLessThanOrEqual(60 * 60 * 1000);
    expect(data.permissions).toEqual({ contents: 'read', metadata: 'read' });
    expect(data.repositories?.map((r) => r.full_name)).toEqual(['alice/one']);
    const inst = octokit(t.forge, data.token);
    const listed = await inst.rest.apps.listReposAccessibleToInstallation();
    expect(listed.data.repositories.map((r) => r.full_name)).toEqual(['alice/one']);
    expect((await inst.rest.repos.get({ owner: 'alice', repo: 'one' })).status).toBe(200);
    expect((await inst.rest.repos.get({ owner: 'alice', repo: 'two' }).catch((e) => e)).status).toBe(404);
    const write = await inst.rest.repos
      .createOrUpdateFileContents({
        owner: 'alice',
        repo: 'one',
        path: 'x.txt',
        message: 'x',
        content: 'eA==',
      })
      .catch((e) => e);
    expect(write.status).toBe(403);
    expect(write.response.data.message).toBe('Resource not accessible by integration');
  });

  it('refuses narrowing beyond the installation', async () => {
    const id = await installationId(t.forge, 'alice');
    const app = appOctokit(t.forge);
    const foreign = await app.rest.apps
      .createInstallationAccessToken({ installation_id: id, repositories: ['umbrella'] })
      .catch((e) => e);
    expect(foreign.status).toBe(422);
    expect(foreign.response.data.message).toMatch(/not accessible to the parent installation/);
    const tooMuch = await app.rest.apps
      .createInstallationAccessToken({ installation_id: id, permissions: { members: 'write' } })
      .catch((e) => e);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.response.data.message).toBe(
      'The permissions requested are not granted to this installation.',
    );
    expect(
      (await app.rest.apps.createInstallationAccessToken({ installation_id: 424242 }).catch((e) => e)).status,
    ).toBe(404);
  });

  it('refuses installation tokens after they expire (clock moved 61 minutes)', async () => {
    const token = await installationToken(t.forge, 'bob');
    const bob = octokit(t.forge, token);
    expect((await bob.rest.apps.listReposAccessibleToInstallation()).status).toBe(200);
    const saved = clock;
    clock += 61 * 60 * 1000;
    try {
      const expired = await bob.rest.apps.listReposAccessibleToInstallation().catch((e) => e);
      expect(expired.status).toBe(401);
      expect(expired.response.data.message).toBe('Bad credentials');
    } finally {
      clock = saved;
    }
  });

  it('GET /user/installations lists what the user can reach', async () => {
    const carol = octokit(t.forge, await t.forge.userToken('carol'));
    const { data } = await carol.rest.apps.listInstallationsForAuthenticatedUser();
    expect(data.installations.map((i) => accountLogin(i.account))).toEqual(['acme', 'carol']);
    expect(data.total_count).toBe(2);
  });
});

describe('user authorization (OAuth web flow) and installation page', () => {
  const redirect = 'http://127.0.0.1:9/callback';

  async function authorize(login: string) {
    const url = `${t.forge.url}/login/oauth/authorize?client_id=${t.forge.app.clientId}&redirect_uri=${encodeURIComponent(redirect)}&state=s1&login=${login}`;
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(redirect);
    expect(location.searchParams.get('state')).toBe('s1');
    return location.searchParams.get('code')!;
  }

  async function exchange(params: Record<string, string>) {
    const res = await fetch(`${t.forge.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: t.forge.app.clientId,
        client_secret: t.forge.app.clientSecret,
        ...params,
      }),
    });
    return (await res.json()) as Record<string, string | number>;
  }

  it('shows a user picker without a signed-in user', async () => {
    const res = await fetch(
      `${t.forge.url}/login/oauth/authorize?client_id=${t.forge.app.clientId}&redirect_uri=${encodeURIComponent(redirect)}`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('login=alice');
  });

  it('exchanges a code for 8 h ghu_ + 6 month ghr_ tokens; codes and refresh tokens are single-use', async () => {
    const code = await authorize('alice');
    const tokens = await exchange({ code, redirect_uri: redirect });
    expect(tokens.access_token).toMatch(/^ghu_/);
    expect(tokens.refresh_token).toMatch(/^ghr_/);
    expect(tokens.expires_in).toBe(28800);
    expect(tokens.refresh_token_expires_in).toBe(15897600);
    expect(
      (await octokit(t.forge, String(tokens.access_token)).rest.users.getAuthenticated()).data.login,
    ).toBe('alice');
    expect((await exchange({ code })).error).toBe('bad_verification_code');

    const refreshed = await exchange({
      grant_type: 'refresh_token',
      refresh_token: String(tokens.refresh_token),
    });
    expect(refreshed.access_token).toMatch(/^ghu_/);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(
      (await exchange({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) })).error,
    ).toBe('bad_refresh_token');
    expect((await exchange({ code: 'x', client_secret: 'wrong' })).error).toBe(
      'incorrect_client_credentials',
    );
  });

  it('user access tokens expire after 8 hours', async () => {
    const tokens = await exchange({ code: await authorize('bob') });
    const bob = octokit(t.forge, String(tokens.access_token));
    const saved = clock;
    clock += 8 * 60 * 60 * 1000 + 1000;
    try {
      expect((await bob.rest.users.getAuthenticated().catch((e) => e)).status).toBe(401);
    } finally {
      clock = saved;
    }
  });

  it('installs the App and redirects to the setup URL with installation_id, setup_action and code', async () => {
    t.forge.configureApp({ setupUrl: 'http://127.0.0.1:9/setup' });
    const res = await fetch(`${t.forge.url}/apps/rfe-workbench/installations/new?state=xyz&login=carol`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).toBe('/setup');
    expect(location.searchParams.get('setup_action')).toBe('install');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(Number(location.searchParams.get('installation_id'))).toBe(await installationId(t.forge, 'carol'));
    const tokens = await exchange({ code: location.searchParams.get('code')! });
    expect(tokens.access_token).toMatch(/^ghu_/);
    const orgInstall = await fetch(
      `${t.forge.url}/apps/rfe-workbench/installations/new?login=alice&target=acme`,
      { redirect: 'manual' },
    );
    expect(orgInstall.status).toBe(302);
    expect(
      accountLogin((await appOctokit(t.forge).rest.apps.getOrgInstallation({ org: 'acme' })).data.account),
    ).toBe('acme');
  });
});
