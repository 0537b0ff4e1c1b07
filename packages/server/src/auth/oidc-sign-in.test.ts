import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../../test/support/browser.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { loadConfig } from '../config/config.ts';
import { safeReturnTo } from './oidc-sign-in.ts';

const accounts: Record<string, { name: string; email: string; groups: string[] }> = {
  'alice-sub-1': {
    name: 'Alice Example',
    email: 'alice@corp.test',
    groups: ['acme-maintainers', 'everyone'],
  },
};

/** A real OpenID Provider (oidc-provider) on loopback, with its development login and consent pages. */
describe('AUTH_MODE=oidc against a real OpenID Provider', () => {
  let idp: http.Server;
  let issuer: string;
  let t: TestApp;
  let appUrl: string;

  beforeAll(async () => {
    idp = http.createServer();
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    t = await startTestApp(
      {},
      {
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: 'workbench',
        OIDC_CLIENT_SECRET: 'client-secret-1',
        OIDC_SCOPES: 'openid profile email groups',
      },
    );
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    appUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'workbench',
          client_secret: 'client-secret-1',
          redirect_uris: [`${appUrl}/api/auth/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
      findAccount: async (_ctx: unknown, id: string) => ({
        accountId: id,
        claims: async () => ({ sub: id, ...accounts[id] }),
      }),
      pkce: { required: () => true },
      cookies: { keys: ['oidc-test-cookie-key'] },
      features: { devInteractions: { enabled: true } },
    });
    idp.on('request', provider.callback());
  });

  afterAll(async () => {
    await t?.close();
    idp?.closeAllConnections();
    await new Promise((resolve) => idp?.close(resolve));
  });

  /** Sign-in page → provider login form → consent form → our callback; stops before leaving the callback. */
  async function signIn(browser: Browser, login: string, returnTo = '/workspaces') {
    const loginPage = await browser.visit(
      `${appUrl}/api/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
    );
    expect(loginPage.url.startsWith(issuer)).toBe(true);
    expect(loginPage.body).toMatch(/name="login"/);
    const consent = await browser.submitForm(loginPage, { login, password: 'any' });
    expect(consent.body).toMatch(/prompt.*consent|consent/i);
    return browser.submitForm(
      consent,
      {},
      { stopAt: (next) => next.origin === appUrl && !next.pathname.startsWith('/api/') },
    );
  }

  it('a user signs in with authorization code + PKCE and lands where they started, signed in', async () => {
    const browser = new Browser();
    const callback = await signIn(browser, 'alice-sub-1');
    expect(callback.url).toContain('/api/auth/oidc/callback');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/workspaces');

    const authorize = new URL(browser.history.find((p) => p.url.startsWith(`${issuer}/auth?`))!.url);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();

    const me = await browser.request(`${appUrl}/api/auth/me`);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toEqual({
      subject: 'alice-sub-1',
      name: 'Alice Example',
      email: 'alice@corp.test',
      groups: ['acme-maintainers', 'everyone'],
    });
    expect(browser.cookie('rfe_oidc'), 'the one-login cookie is cleared').toBeUndefined();
  });

  it('a callback whose state does not match the flow cookie is refused and signs no one in', async () => {
    const browser = new Browser();
    const loginPage = await browser.visit(`${appUrl}/api/auth/oidc/login`);
    const consent = await browser.submitForm(loginPage, { login: 'alice-sub-1', password: 'x' });
    const callback = await browser.submitForm(
      consent,
      {},
      { stopAt: (next) => next.pathname === '/api/auth/oidc/callback' },
    );
    const real = new URL(callback.headers.get('location')!, callback.url);
    real.searchParams.set('state', 'forged-state');
    const res = await browser.request(real.href);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('oidc_failed');
    expect((await browser.request(`${appUrl}/api/auth/me`)).status).toBe(401);
  });

  it('a callback in a browser that never started a sign-in is refused with a clear error', async () => {
    const res = await new Browser().request(`${appUrl}/api/auth/oidc/callback?code=abc&state=def`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'oidc_state',
      message: expect.stringMatching(/Start the sign-in again/),
    });
  });

  it("the provider's refusal is reported, not turned into a sign-in", async () => {
    const browser = new Browser();
    await browser.visit(`${appUrl}/api/auth/oidc/login`);
    const res = await browser.request(
      `${appUrl}/api/auth/oidc/callback?error=access_denied&error_description=End-User+aborted`,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'oidc_refused',
      message: expect.stringContaining('access_denied'),
    });
  });

  it('dev login is off in OIDC mode', async () => {
    const res = await new Browser().request(`${appUrl}/api/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    expect(res.status).toBe(404);
  });
});

describe('OIDC settings and redirects', () => {
  it('returns only to same-site paths after sign-in', () => {
    expect(safeReturnTo('/workspaces?x=1')).toBe('/workspaces?x=1');
    for (const evil of [
      '//evil.test/x',
      '/\\evil.test',
      'https://evil.test',
      'javascript:alert(1)',
      undefined,
    ]) {
      expect(safeReturnTo(evil)).toBe('/');
    }
  });

  it('needs an issuer and client id, and https unless the provider is on loopback', () => {
    expect(() => loadConfig({ AUTH_MODE: 'oidc' })).toThrow(/OIDC_ISSUER/);
    expect(() => loadConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://idp.test' })).toThrow(
      /OIDC_CLIENT_ID/,
    );
    expect(() =>
      loadConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: 'http://idp.test', OIDC_CLIENT_ID: 'x' }),
    ).toThrow(/https/);
    expect(
      loadConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: 'http://127.0.0.1:9', OIDC_CLIENT_ID: 'x' }).oidcIssuer,
    ).toBe('http://127.0.0.1:9');
  });
});
