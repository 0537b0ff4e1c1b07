import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

describe.each(DATABASES)('dev sign-in and API tokens (%s)', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
  });
  afterAll(() => t?.close());

  it('offers the seeded users alice, bob and carol', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/dev-users' });
    expect(res.json().users.map((u: { subject: string }) => u.subject)).toEqual(['alice', 'bob', 'carol']);
  });

  it('signing in as a user sets a signed httpOnly cookie that identifies them', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/dev-login',
      payload: { user: 'carol' },
    });
    expect(login.statusCode).toBe(204);
    const cookie = login.cookies.find((c) => c.name === 'rfe_session')!;
    expect(cookie.httpOnly).toBe(true);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { rfe_session: cookie.value },
    });
    expect(me.json().subject).toBe('carol');
    const tampered = cookie.value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { rfe_session: tampered },
    });
    expect(denied.statusCode).toBe(401);
  });

  it('an unknown user cannot sign in', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/dev-login',
      payload: { user: 'mallory' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('mallory');
  });

  it('API tokens are shown once, listed without the secret, and stop working when revoked', async () => {
    const headers = await t.as('alice');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers,
      payload: { name: 'laptop', ttlDays: 7 },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    const list = await t.app.inject({ method: 'GET', url: '/api/auth/tokens', headers });
    expect(list.body).not.toContain(token);
    expect(list.json().items.some((i: { id: string }) => i.id === id)).toBe(true);
    const ok = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers });
    const revoked = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.statusCode).toBe(401);
  });

  it('a malformed Authorization header is refused with a message saying the expected form', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: 'Token abc' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toContain('Bearer');
  });
});
