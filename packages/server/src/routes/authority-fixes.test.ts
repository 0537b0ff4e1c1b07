import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';

const DAY = 86_400_000;

describe('authority: the smaller fixes', () => {
  let t: TestApp;
  let strict: TestApp;
  let html: http.Server;
  let htmlUrl: string;
  const call = async (app: TestApp, user: string, method: string, url: string, payload?: unknown) =>
    app.app.inject({ method: method as 'GET', url, headers: await app.as(user), payload: payload as object });

  beforeAll(async () => {
    t = await startTestApp({ apiTokenDefaultDays: 30, apiTokenMaxDays: 90 });
    // The same platform with private addresses refused (the default outside dev sign-in).
    strict = await startTestApp({ storageEndpointAllow: false });
    html = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>SECRET-INTERNAL-PAGE of the forge admin console</body></html>');
    });
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
    await call(t, 'alice', 'POST', '/api/projects', { name: 'fixes', storage: { kind: 'managed' } });
  });
  afterAll(async () => {
    await t?.close();
    await strict?.close();
    html?.close();
  });

  it('API tokens get the default lifetime when none is asked for, shown at creation', async () => {
    const res = await call(t, 'alice', 'POST', '/api/auth/tokens', { name: 'ci' });
    expect(res.statusCode, res.body).toBe(201);
    const { expiresAt } = res.json() as { expiresAt: string };
    expect(Math.round((Date.parse(expiresAt) - Date.now()) / DAY)).toBe(30);
    const listed = (await call(t, 'alice', 'GET', '/api/auth/tokens')).json().items as {
      name: string;
      expiresAt: string | null;
    }[];
    expect(listed.find((x) => x.name === 'ci')?.expiresAt).toBe(expiresAt);
  });

  it('API tokens longer than the maximum lifetime are refused, naming the limit', async () => {
    const res = await call(t, 'alice', 'POST', '/api/auth/tokens', { name: 'forever', ttlDays: 365 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('at most 90 days');
    const ok = await call(t, 'alice', 'POST', '/api/auth/tokens', { name: 'quarter', ttlDays: 90 });
    expect(ok.statusCode).toBe(201);
  });

  it('sync needs the edit role: a viewer is refused naming workspace.sync', async () => {
    await call(t, 'alice', 'PUT', '/api/projects/fixes/members/bob', { role: 'view' });
    const res = await call(t, 'bob', 'POST', '/api/projects/fixes/workspaces/anything/sync');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.details).toMatchObject({ capability: 'workspace.sync', requiredRole: 'edit' });
  });

  it('a member must be a known user or a declared group: an unknown user is 404 naming the subject', async () => {
    const unknown = await call(t, 'alice', 'PUT', '/api/projects/fixes/members/nobody-here', {
      role: 'edit',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toContain('"nobody-here"');
    const members = (await call(t, 'alice', 'GET', '/api/projects/fixes/members')).json().items as {
      subject: string;
    }[];
    expect(members.map((m) => m.subject)).not.toContain('nobody-here');
    const group = await call(t, 'alice', 'PUT', '/api/projects/fixes/members/group:acme-readers', {
      role: 'view',
    });
    expect(group.statusCode, group.body).toBe(201);
    expect(group.json()).toMatchObject({ kind: 'group', subject: 'acme-readers' });
    const known = await call(t, 'alice', 'PUT', '/api/projects/fixes/members/carol', { role: 'view' });
    expect(known.statusCode).toBe(201);
  });

  it('external storage endpoints in loopback, private, link-local and metadata ranges are refused unless allowed', async () => {
    for (const endpoint of [
      htmlUrl,
      'http://10.1.2.3:9000',
      'http://192.168.0.10',
      'http://169.254.169.254',
      'http://[::1]:9000',
      'http://localhost:9000',
    ]) {
      const res = await call(strict, 'alice', 'POST', '/api/projects', {
        name: 'ssrf',
        storage: { kind: 'external', endpoint, bucket: 'rfe-bucket', accessKeyId: 'k', secretAccessKey: 's' },
      });
      expect(res.statusCode, endpoint).toBe(422);
      expect(res.json().error.code).toBe('storage_endpoint_internal');
      expect(res.json().error.message).toContain('STORAGE_ENDPOINT_ALLOW');
    }
    expect((await call(strict, 'alice', 'GET', '/api/projects')).json().items).toEqual([]);
  });

  it('an endpoint that answers but not like S3 gets "this endpoint does not speak S3", never its body', async () => {
    // Allowed here (dev sign-in allows private endpoints by default), so the platform does connect.
    const res = await call(t, 'alice', 'POST', '/api/projects', {
      name: 'not-s3',
      storage: {
        kind: 'external',
        endpoint: htmlUrl,
        bucket: 'rfe-bucket',
        accessKeyId: 'k',
        secretAccessKey: 's',
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toContain('this endpoint does not speak S3');
    expect(res.body).not.toContain('SECRET-INTERNAL-PAGE');
    expect(res.body).not.toContain('<html>');
  });
});
