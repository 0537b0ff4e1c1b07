import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSessionFixture, type SessionFixture } from '../../test/support/messaging/session-fixture.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';

/** One raw HTTP request to 127.0.0.1:port with the Host header a browser on `host` would send. */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

const page = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' };

/** Opens the session stream as `origin` would and says "open" or the refusal's status and body. */
function openStream(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
  });
}

describe('one canonical origin on loopback (no PUBLIC_URL)', () => {
  let t: TestApp;
  let port: number;
  let f: SessionFixture;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
    t.ctx.listenUrl = `http://127.0.0.1:${port}`;
    f = await createSessionFixture(t, t.ctx.listenUrl);
  });
  afterAll(() => t?.close());

  it('sends page loads on 127.0.0.1 and [::1] to http://localhost:PORT, keeping path and query', async () => {
    for (const host of [`127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect(await get(port, '/projects/p?github=linked', { ...page, host })).toEqual({
        status: 308,
        location: `http://localhost:${port}/projects/p?github=linked`,
      });
    }
    // The GitHub callback is a page load too: it must land where the session cookie is.
    const callback = await get(port, '/api/github/callback?code=c&state=s', {
      ...page,
      host: `127.0.0.1:${port}`,
    });
    expect(callback.location).toBe(`http://localhost:${port}/api/github/callback?code=c&state=s`);
  });

  it('serves page loads on localhost itself, and leaves API calls, posts and other ports alone', async () => {
    expect((await get(port, '/', { ...page, host: `localhost:${port}` })).status).toBe(200);
    const api = await get(port, '/api/auth/me', { accept: 'application/json', host: `127.0.0.1:${port}` });
    expect(api.status).toBe(401);
    const post = await get(port, '/api/auth/logout', { ...page, host: `127.0.0.1:${port}` }, 'POST');
    expect(post.status).not.toBe(308);
    const otherPort = await get(port, '/', { ...page, host: '127.0.0.1:1' });
    expect(otherPort.status).toBe(200);
    const notLoopback = await get(port, '/', { ...page, host: `rfe.example.com:${port}` });
    expect(notLoopback.status).toBe(200);
  });

  it('lets pages on either loopback name open the live stream, nobody else', async () => {
    const bob = await t.as('bob');
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`]) {
      expect(await openStream(f.streamUrl, { ...bob, origin })).toBe('open');
    }
    for (const origin of [
      `http://localhost:${port + 1}`,
      `https://localhost:${port}`,
      'https://evil.example',
    ]) {
      expect(await openStream(f.streamUrl, { ...bob, origin })).toMatch(/^403 .*ALLOWED_ORIGINS/);
    }
  });
});

describe('an explicit PUBLIC_URL', () => {
  let t: TestApp;
  let port: number;
  let f: SessionFixture;

  beforeAll(async () => {
    t = await startTestApp({ publicUrl: 'https://rfe.example.com' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
    t.ctx.listenUrl = `http://127.0.0.1:${port}`;
    f = await createSessionFixture(t, t.ctx.listenUrl, 'pub');
  });
  afterAll(() => t?.close());

  it('is the only origin: no loopback redirect, loopback pages may not open streams', async () => {
    expect((await get(port, '/', { ...page, host: `127.0.0.1:${port}` })).status).toBe(200);
    const bob = await t.as('bob');
    expect(await openStream(f.streamUrl, { ...bob, origin: 'https://rfe.example.com' })).toBe('open');
    expect(await openStream(f.streamUrl, { ...bob, origin: `http://localhost:${port}` })).toMatch(/^403/);
  });
});
