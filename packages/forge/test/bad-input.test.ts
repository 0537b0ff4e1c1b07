import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokit, startTestForge, type TestForge } from './helpers.ts';

let t: TestForge;
let alice: Octokit;

beforeAll(async () => {
  t = await startTestForge();
  alice = octokit(t.forge, await t.forge.userToken('alice'));
});
afterAll(() => t.close());

describe('bad input', () => {
  it('answers bad credentials, bad JSON and unknown routes like GitHub', async () => {
    const bad = await fetch(`${t.forge.apiUrl}/user`, { headers: { authorization: 'token ghp_nope' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({
      message: 'Bad credentials',
      documentation_url: expect.any(String),
    });
    expect((await fetch(`${t.forge.apiUrl}/user`)).status).toBe(401);
    const token = await t.forge.userToken('alice');
    const malformed = await fetch(`${t.forge.apiUrl}/user/repos`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).message).toBe('Problems parsing JSON');
    const notJsonObject = await fetch(`${t.forge.apiUrl}/user/repos`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: '[1,2]',
    });
    expect(notJsonObject.status).toBe(400);
    const missing = await fetch(`${t.forge.apiUrl}/nope/nothing`, {
      headers: { authorization: `token ${token}` },
    });
    expect(missing.status).toBe(404);
    expect((await missing.json()).message).toBe('Not Found');
    const noName = await alice.rest.repos.createForAuthenticatedUser({ name: '' }).catch((e) => e);
    expect(noName.status).toBe(422);
    expect(noName.response.data.errors[0]).toMatchObject({
      resource: 'Repository',
      field: 'name',
      code: 'missing_field',
    });
  });
  it('odd paths, refs and bodies get 4xx answers, never a 500', async () => {
    const token = await t.forge.userToken('alice');
    const gets = [
      '/repos/acme/api/contents/..%2F..%2Fetc%2Fpasswd',
      '/repos/acme/api/contents/a%00b',
      '/repos/acme/api/git/trees/-h',
      '/repos/acme/api/git/trees/HEAD~1',
      '/repos/acme/api/commits/--help',
      '/repos/acme/api/commits?path=../..',
      '/repos/acme/api/compare/...',
      '/repos/acme/api/compare/x:y:z:w...main',
      '/repos/acme/api/pulls/99999999999999999999',
      '/repos/acme/api/branches/%25',
      '/repos/acme/api/contents/README.md?ref=--output=/tmp/x',
      '/repos/acme/api/git/matching-refs/%ff',
      '/repos/acme/api/branches?per_page=-5&page=abc',
    ];
    for (const path of gets) {
      const res = await fetch(`${t.forge.apiUrl}${path}`, { headers: { authorization: `token ${token}` } });
      expect(res.status, path).toBeLessThan(500);
    }
    const writes: [string, string, string][] = [
      ['POST', '/repos/acme/api/git/refs', '"str"'],
      ['POST', '/repos/acme/api/git/refs', '{"ref":"refs/heads/--x","sha":"HEAD"}'],
      [
        'POST',
        '/repos/acme/api/git/trees',
        '{"tree":[{"path":"a","mode":"100644","type":"blob","sha":"--help"}]}',
      ],
      ['POST', '/repos/acme/api/git/trees', '{"tree":[null, 5]}'],
      ['POST', '/repos/acme/api/git/commits', '{"message":"m","tree":"--help","parents":[1]}'],
      ['PUT', '/repos/acme/api/contents/x', '{"message":5,"content":"!!"}'],
      ['PUT', '/repos/acme/api/contents/.git/config', '{"message":"m","content":"eA=="}'],
      ['PUT', '/repos/acme/api/contents/a%00b', '{"message":"m","content":"eA=="}'],
      ['POST', '/repos/acme/api/pulls', '{"title":"t","head":":::","base":"main"}'],
      ['PUT', '/repos/acme/api/pulls/abc/merge', '{}'],
      ['PATCH', '/repos/acme/api', '{"default_branch":"--orphan"}'],
      ['POST', '/repos/acme/api/forks', '{"organization":123}'],
    ];
    for (const [method, path, body] of writes) {
      const res = await fetch(`${t.forge.apiUrl}${path}`, {
        method,
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
    }
  });
});
