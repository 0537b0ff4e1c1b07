import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authConfig, cloneUrl, gitOk, octokit, startTestForge, type TestForge } from './helpers.ts';

let t: TestForge;
let token: string;
let alice: Octokit;
let clock = Date.now();

beforeAll(async () => {
  t = await startTestForge({ now: () => clock });
  token = await t.forge.userToken('alice');
  alice = octokit(t.forge, token);
});
afterAll(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${t.forge.apiUrl}${path}`, { headers: { authorization: `token ${token}`, ...headers } });

describe('conditional requests and rate limits', () => {
  it('answers If-None-Match with 304 without body and without counting it', async () => {
    const first = await get('/repos/acme/api');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    const counted = t.forge.stats().countedRequests;
    const second = await get('/repos/acme/api', { 'if-none-match': etag });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    expect(t.forge.stats().countedRequests).toBe(counted);
    const third = await get('/repos/acme/api');
    expect(Number(third.headers.get('x-ratelimit-remaining'))).toBe(remaining - 1);
    expect(Number(third.headers.get('x-ratelimit-used'))).toBe(5000 - remaining + 1);
  });

  it('ETags depend on the credential (responses vary by Authorization)', async () => {
    const bob = await fetch(`${t.forge.apiUrl}/repos/acme/api`, {
      headers: { authorization: `token ${await t.forge.userToken('bob')}` },
    });
    const aliceRes = await get('/repos/acme/api');
    expect(bob.headers.get('etag')).not.toBe(aliceRes.headers.get('etag'));
    const cross = await get('/repos/acme/api', { 'if-none-match': String(bob.headers.get('etag')) });
    expect(cross.status).toBe(200);
  });

  it('limits anonymous callers to 60 requests per hour, then resets', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 61; i++) last = await fetch(`${t.forge.apiUrl}/users/alice`);
    expect(last!.status).toBe(403);
    expect((await last!.json()).message).toMatch(/^API rate limit exceeded for /);
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(last!.headers.get('x-ratelimit-reset'))).toBeGreaterThan(clock / 1000);
    clock += 61 * 60 * 1000;
    const after = await fetch(`${t.forge.apiUrl}/users/alice`);
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-limit')).toBe('60');
  });
});

describe('pagination', () => {
  beforeAll(async () => {
    const dir = join(t.work, 'many');
    await gitOk(
      [...authConfig(token, 'alice'), 'clone', '--quiet', cloneUrl(t.forge, 'acme/api'), dir],
      t.work,
    );
    const refspecs = Array.from({ length: 120 }, (_, i) => `HEAD:refs/heads/b${String(i).padStart(3, '0')}`);
    await gitOk([...authConfig(token, 'alice'), 'push', '--quiet', 'origin', ...refspecs], dir);
  });

  it('follows Link headers across more than 100 items', async () => {
    const branches = await alice.paginate(alice.rest.repos.listBranches, {
      owner: 'acme',
      repo: 'api',
      per_page: 100,
    });
    expect(branches).toHaveLength(121);
    expect(new Set(branches.map((b) => b.name)).size).toBe(121);
  });

  it('sets rel next/last/prev/first with absolute URLs; per_page is capped at 100', async () => {
    const p1 = await get('/repos/acme/api/branches?per_page=50');
    const link1 = p1.headers.get('link')!;
    expect(link1).toContain(`<${t.forge.apiUrl}/repos/acme/api/branches?per_page=50&page=2>; rel="next"`);
    expect(link1).toContain('page=3>; rel="last"');
    const p3 = await get('/repos/acme/api/branches?per_page=50&page=3');
    expect((await p3.json()).length).toBe(21);
    const link3 = p3.headers.get('link')!;
    expect(link3).toContain('page=2>; rel="prev"');
    expect(link3).toContain('page=1>; rel="first"');
    expect(link3).not.toContain('rel="next"');
    expect((await (await get('/repos/acme/api/branches')).json()).length).toBe(30);
    expect((await (await get('/repos/acme/api/branches?per_page=500')).json()).length).toBe(100);
  });
});
