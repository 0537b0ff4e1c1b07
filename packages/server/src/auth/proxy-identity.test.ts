import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { loadConfig } from '../config/config.ts';
import { ConfigError } from '../errors.ts';
import { addressMatcher } from './address-match.ts';

const forwarded = {
  'x-forwarded-user': 'dana',
  'x-forwarded-email': 'dana@example.test',
  'x-forwarded-groups': 'platform-team, acme-readers',
};

describe('AUTH_MODE=proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { AUTH_MODE: 'proxy', TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8' });
  });
  afterAll(() => t?.close());

  const me = (remoteAddress: string, headers: Record<string, string> = forwarded) =>
    t.app.inject({ method: 'GET', url: '/api/auth/me', headers, remoteAddress });

  it('a trusted proxy signs the user in from the forwarded headers, groups included', async () => {
    const res = await me('10.1.2.3');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      subject: 'dana',
      name: 'dana',
      email: 'dana@example.test',
      groups: ['platform-team', 'acme-readers'],
    });
  });

  it('accepts an IPv4 proxy seen through a dual-stack socket, and IPv6 ranges', async () => {
    expect((await me('::ffff:10.9.9.9')).statusCode).toBe(200);
    expect((await me('fd00::17')).statusCode).toBe(200);
  });

  it('the same headers from any other address are refused with 401', async () => {
    for (const address of ['192.168.1.5', '127.0.0.1', '11.0.0.1', 'fe80::1']) {
      const res = await me(address);
      expect(res.statusCode, address).toBe(401);
      expect(res.json().error.message).toMatch(/only accepted from the configured proxy/);
    }
  });

  it('X-Forwarded-For cannot make an untrusted peer look like the proxy', async () => {
    const res = await me('192.168.1.5', { ...forwarded, 'x-forwarded-for': '10.0.0.1' });
    expect(res.statusCode).toBe(401);
  });

  it('a request without forwarded identity is anonymous (health checks still work), protected routes say 401', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '192.168.1.5' })).statusCode,
    ).toBe(200);
    expect((await me('10.1.2.3', {})).statusCode).toBe(401);
  });

  it('a proxy that forwards groups without a user is refused', async () => {
    expect((await me('10.1.2.3', { 'x-forwarded-groups': 'admins' })).statusCode).toBe(401);
  });

  it("updates the user when the proxy's view changes, and group membership grants project roles", async () => {
    const alice = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { 'x-forwarded-user': 'alice' },
      remoteAddress: '10.0.0.2',
      payload: { name: 'proxied', storage: { kind: 'managed' } },
    });
    expect(alice.statusCode).toBe(201);
    const grant = await t.app.inject({
      method: 'PUT',
      url: '/api/projects/proxied/members/group:platform-team',
      headers: { 'x-forwarded-user': 'alice' },
      remoteAddress: '10.0.0.2',
      payload: { role: 'view' },
    });
    expect(grant.statusCode).toBe(201);
    const access = (groups: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/projects/proxied/access',
        headers: { ...forwarded, 'x-forwarded-groups': groups },
        remoteAddress: '10.0.0.3',
      });
    expect((await access('platform-team')).json().role).toBe('view');
    expect((await access('someone-else')).statusCode).toBe(404);
  });

  it('API tokens keep working alongside the proxy (CLI and automation)', async () => {
    await me('10.1.2.3');
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: await t.as('dana'),
      remoteAddress: '192.168.1.5',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().subject).toBe('dana');
  });

  it('dev login is not available', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/dev-login',
      payload: { user: 'alice' },
      remoteAddress: '10.0.0.1',
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('trusted proxy addresses', () => {
  it('matches single addresses and CIDR ranges of both families', () => {
    const trusted = addressMatcher(['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32']);
    expect(['127.0.0.1', '10.255.0.1', '::1', '2001:db8:1::5', '::ffff:127.0.0.1'].every(trusted)).toBe(true);
    expect(['127.0.0.2', '11.0.0.1', '::2', '2001:db9::1', undefined, 'not-an-ip'].some(trusted)).toBe(false);
  });

  it('defaults to loopback (an OAuth proxy sidecar) and refuses malformed entries naming them', () => {
    expect(loadConfig({}).trustedProxies).toEqual(['127.0.0.1', '::1']);
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUSTED_PROXIES: 'proxy.internal' })).toThrow(/proxy.internal/);
  });
});
