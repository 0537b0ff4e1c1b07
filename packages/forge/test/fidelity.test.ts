import { createPrivateKey } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computedPull, octokit, startTestForge, type TestForge } from './helpers.ts';

/** Behaviours real clients (gh, git, Octokit) rely on, answered as GitHub answers them. */

let t: TestForge;
let token: string;
let prNumber: number;
let headSha: string;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${t.forge.apiUrl}${path}`, {
    ...init,
    headers: { authorization: `token ${token}`, ...(init.headers as Record<string, string>) },
  });

beforeAll(async () => {
  t = await startTestForge({ delays: { forkMs: 0 } });
  token = await t.forge.userToken('alice');
  const alice = octokit(t.forge, token);
  const main = (await alice.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' })).data.object
    .sha;
  await alice.rest.git.createRef({ owner: 'acme', repo: 'api', ref: 'refs/heads/topic', sha: main });
  const put = await alice.rest.repos.createOrUpdateFileContents({
    owner: 'acme',
    repo: 'api',
    path: 'topic.txt',
    message: 'Add topic',
    content: Buffer.from('hello\n').toString('base64'),
    branch: 'topic',
  });
  headSha = put.data.commit.sha!;
  prNumber = (
    await alice.rest.pulls.create({ owner: 'acme', repo: 'api', title: 'T', head: 'topic', base: 'main' })
  ).data.number;
});
afterAll(() => t.close());

describe('media types', () => {
  it('diff, patch and sha on pulls, commits and compare', async () => {
    const accept = (m: string) => ({ headers: { accept: `application/vnd.github.${m}` } });
    const prDiff = await api(`/repos/acme/api/pulls/${prNumber}`, accept('diff'));
    expect(prDiff.headers.get('content-type')).toContain('application/vnd.github.diff');
    const diff = await prDiff.text();
    expect(diff).toMatch(/^diff --git a\/topic\.txt b\/topic\.txt\n/);
    expect(diff).toContain('+hello\n');
    const patch = await (await api(`/repos/acme/api/pulls/${prNumber}`, accept('patch'))).text();
    expect(patch).toMatch(/^From [0-9a-f]{40} /);
    expect(patch).toContain('Subject: [PATCH] Add topic');
    expect(await (await api(`/repos/acme/api/commits/topic`, accept('sha'))).text()).toBe(headSha);
    expect(await (await api(`/repos/acme/api/commits/${headSha}`, accept('diff'))).text()).toBe(diff);
    expect(await (await api('/repos/acme/api/compare/main...topic', accept('diff'))).text()).toBe(diff);
    expect(await (await api('/repos/acme/api/compare/main...topic', accept('v3.patch'))).text()).toContain(
      'Subject: [PATCH] Add topic',
    );
    // Without the media type: JSON as before.
    expect(
      ((await (await api(`/repos/acme/api/pulls/${prNumber}`)).json()) as { number: number }).number,
    ).toBe(prNumber);
  });
});

describe('pulls.list head filter', () => {
  it('a head without owner: is ignored (all PRs), owner:branch filters', async () => {
    const list = async (q: string) =>
      ((await (await api(`/repos/acme/api/pulls?${q}`)).json()) as { number: number }[]).map((p) => p.number);
    expect(await list('head=topic')).toEqual([prNumber]);
    expect(await list('head=acme:topic')).toEqual([prNumber]);
    expect(await list('head=acme:other')).toEqual([]);
    expect(await list('head=bob:topic')).toEqual([]);
  });
});

describe('conditional requests', () => {
  it('weak ETags, Last-Modified and If-Modified-Since', async () => {
    const first = await api('/repos/acme/api');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    const lastModified = first.headers.get('last-modified')!;
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
    expect((await api('/repos/acme/api', { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await api('/repos/acme/api', { headers: { 'if-none-match': etag.slice(2) } })).status).toBe(304);
    expect((await api('/repos/acme/api', { headers: { 'if-modified-since': lastModified } })).status).toBe(
      304,
    );
    const before = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await api('/repos/acme/api', { headers: { 'if-modified-since': before } })).status).toBe(200);
  });
});

describe('odds and ends real clients meet', () => {
  it('GET /api/v3/ and /rate_limit (not counted)', async () => {
    const root = (await (await api('/')).json()) as Record<string, string>;
    expect(root.current_user_url).toBe(`${t.forge.apiUrl}/user`);
    const a = (await (await api('/rate_limit')).json()) as { rate: { used: number } };
    const b = (await (await api('/rate_limit')).json()) as { rate: { used: number } };
    expect(b.rate.used).toBe(a.rate.used);
  });

  it('/orgs/{org} is organization-shaped', async () => {
    const org = (await (await api('/orgs/acme')).json()) as Record<string, unknown>;
    expect(org).toMatchObject({ login: 'acme', type: 'Organization', url: `${t.forge.apiUrl}/orgs/acme` });
    expect(org).not.toHaveProperty('gravatar_id');
    expect(org).not.toHaveProperty('site_admin');
  });

  it('files over 1 MB: encoding none and empty content; the raw media type still returns the bytes', async () => {
    const alice = octokit(t.forge, token);
    const big = Buffer.alloc(1024 * 1024 + 10, 'x');
    await alice.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'api',
      path: 'big.txt',
      message: 'big',
      content: big.toString('base64'),
    });
    const json = (await (await api('/repos/acme/api/contents/big.txt')).json()) as Record<string, unknown>;
    expect(json).toMatchObject({ type: 'file', encoding: 'none', content: '', size: big.length });
    const raw = await api('/repos/acme/api/contents/big.txt', {
      headers: { accept: 'application/vnd.github.raw' },
    });
    expect((await raw.arrayBuffer()).byteLength).toBe(big.length);
  });

  it('submodule contents point git_url/html_url at the submodule repository', async () => {
    const sub = (await (await api('/repos/acme/umbrella/contents/repos/api')).json()) as Record<
      string,
      unknown
    >;
    expect(sub.type).toBe('submodule');
    expect(sub.git_url).toBe(`${t.forge.apiUrl}/repos/acme/api/git/trees/${sub.sha}`);
    expect(sub.html_url).toBe(`${t.forge.url}/acme/api/tree/${sub.sha}`);
  });

  it('an App JWT whose iss is the client ID is accepted', async () => {
    const pkcs8 = createPrivateKey(t.forge.app.privateKeyPem)
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(t.forge.app.clientId)
      .setIssuedAt(now - 30)
      .setExpirationTime(now + 500)
      .sign(await importPKCS8(pkcs8, 'RS256'));
    const res = await fetch(`${t.forge.apiUrl}/app`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(res.status).toBe(200);
  });

  it('/api/graphql is a GitHub-shaped 404 saying the forge has no GraphQL (viewer login excepted)', async () => {
    const res = await fetch(`${t.forge.url}/api/graphql`, {
      method: 'POST',
      headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ repository(owner: "acme", name: "api") { name } }' }),
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as Record<string, string>;
    expect(body.message).toMatch(/no GraphQL/);
    expect(body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\//);
    // The one query answered: who am I (gh auth status asks it).
    const viewer = await fetch(`${t.forge.url}/api/graphql`, {
      method: 'POST',
      headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query UserCurrent{viewer{login}}' }),
    });
    expect(await viewer.json()).toEqual({ data: { viewer: { login: 'alice' } } });
    const anonymous = await fetch(`${t.forge.url}/api/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query: '{ viewer { login } }' }),
    });
    expect(anonymous.status).toBe(401);
  });

  it('mergeability is computed after a moment (the PR above)', async () => {
    const pr = await computedPull(octokit(t.forge, token), 'acme', 'api', prNumber);
    expect(pr.mergeable_state).toBe('clean');
  });
});
