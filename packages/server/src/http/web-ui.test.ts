import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from './error-handler.ts';
import { installWebUi } from './web-ui.ts';

const dirs: string[] = [];
function distWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-web-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function appServing(dist: string) {
  const app = Fastify();
  installErrorHandler(app);
  app.get('/api/known', { config: { access: 'public' } }, async () => ({ ok: true }));
  await installWebUi(app, dist);
  return app;
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the web UI is served by the platform', () => {
  const dist = distWith({
    'index.html': '<!doctype html><title>UI</title>',
    'assets/app-1234.js': 'console.log(1)',
    'favicon.svg': '<svg/>',
  });

  it('client-side routes get index.html, with a strict content security policy and no caching', async () => {
    const app = await appServing(dist);
    for (const url of ['/', '/projects/acme/workspaces', '/sign-in?next=%2F']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<title>UI</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('built files are served as they are; fingerprinted assets are cached for good', async () => {
    const app = await appServing(dist);
    const asset = await app.inject({ url: '/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/favicon.svg' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
  });

  it('API and platform paths never fall back to the page, and nothing outside dist is reachable', async () => {
    const app = await appServing(dist);
    expect((await app.inject({ url: '/api/known' })).json()).toEqual({ ok: true });
    const unknown = await app.inject({ url: '/api/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
    const traversal = await app.inject({ url: '/assets/..%2f..%2f..%2fetc%2fpasswd' });
    expect(traversal.body).not.toContain('root:');
  });

  it('without a build it says how to make one', async () => {
    const app = await appServing(path.join(os.tmpdir(), 'rfe-no-such-dist'));
    const res = await app.inject({ url: '/projects' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
  });
});
