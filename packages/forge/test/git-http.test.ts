import { createHmac } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authConfig,
  cloneUrl,
  eventually,
  git,
  gitOk,
  installationToken,
  octokit,
  startHookReceiver,
  startTestForge,
  type TestForge,
} from './helpers.ts';

let t: TestForge;
let alice: Octokit;
let aliceToken: string;
let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
const SECRET = 'hook-secret';

beforeAll(async () => {
  t = await startTestForge();
  hooks = await startHookReceiver();
  t.forge.setWebhooks([{ url: hooks.url, secret: SECRET }]);
  aliceToken = await t.forge.userToken('alice');
  alice = octokit(t.forge, aliceToken);
  await alice.rest.repos.createFork({ owner: 'acme', repo: 'api' });
  await alice.rest.repos.createFork({ owner: 'acme', repo: 'web' });
});
afterAll(async () => {
  await hooks.close();
  await t.close();
});

/** Clones `fullName` with `token`, commits `files`, pushes to `branch`. */
async function commitAndPush(
  fullName: string,
  token: string,
  files: Record<string, string>,
  branch: string,
  dir: string,
) {
  const clone = await git(
    [...authConfig(token), 'clone', '--quiet', cloneUrl(t.forge, fullName), dir],
    t.work,
  );
  if (clone.code !== 0) return clone;
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await gitOk(['add', '-A'], dir);
  await gitOk(['commit', '--quiet', '-m', `change ${Object.keys(files).join(',')}`], dir);
  return git([...authConfig(token), 'push', 'origin', `HEAD:refs/heads/${branch}`], dir);
}

describe('git smart HTTP', () => {
  it('clones the umbrella with its submodules over protocol v2, pinned to the component commits', async () => {
    const dir = join(t.work, 'umbrella');
    const creds = authConfig(aliceToken, 'alice');
    await gitOk(
      [
        '-c',
        'protocol.version=2',
        ...creds,
        'clone',
        '--quiet',
        '--recurse-submodules',
        cloneUrl(t.forge, 'acme/umbrella'),
        dir,
      ],
      t.work,
    );
    expect(await readFile(join(dir, 'repos/api/package.json'), 'utf8')).toContain('@acme/api');
    const pinned = await gitOk(['rev-parse', 'HEAD'], join(dir, 'repos/web'));
    const webHead = (await alice.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main' })).data
      .object.sha;
    expect(pinned).toBe(webHead);
    expect(await readFile(join(dir, '.gitmodules'), 'utf8')).toContain(`url = ${t.forge.url}/acme/api.git`);
  });

  it('refuses anonymous and unauthorised reads of private repositories', async () => {
    const anon = await git(['clone', '--quiet', cloneUrl(t.forge, 'acme/api'), 'anon'], t.work);
    expect(anon.code).not.toBe(0);
    const carol = await git(
      [
        ...authConfig(await t.forge.userToken('carol'), 'carol'),
        'clone',
        '--quiet',
        cloneUrl(t.forge, 'acme/web'),
        'carol-web',
      ],
      t.work,
    );
    expect(carol.code).not.toBe(0);
    expect(carol.stderr).toMatch(/not found/i);
    const bad = await git(
      [...authConfig('ghs_invalid'), 'clone', '--quiet', cloneUrl(t.forge, 'acme/api'), 'bad'],
      t.work,
    );
    expect(bad.code).not.toBe(0);
  });

  it('accepts gzip-encoded request bodies (protocol v2 ls-refs)', async () => {
    const pkt = (s: string) => `${(s.length + 4).toString(16).padStart(4, '0')}${s}`;
    const body = `${pkt('command=ls-refs\n')}0001${pkt('peel\n')}${pkt('symrefs\n')}0000`;
    const res = await fetch(`${cloneUrl(t.forge, 'acme/api')}/git-upload-pack`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`alice:${aliceToken}`).toString('base64')}`,
        'content-type': 'application/x-git-upload-pack-request',
        'content-encoding': 'gzip',
        'git-protocol': 'version=2',
      },
      body: gzipSync(body),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('refs/heads/main');
  });

  it('a user can push a branch; pushes emit a signed push webhook', async () => {
    const r = await commitAndPush(
      'alice/api',
      aliceToken,
      { 'notes.txt': 'hi\n' },
      'feature',
      join(t.work, 'push1'),
    );
    expect(r.code, r.stderr).toBe(0);
    const hook = await eventually(() =>
      hooks.received.find((h) => h.event === 'push' && h.payload.ref === 'refs/heads/feature'),
    );
    expect(hook.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(hook.body).digest('hex')}`);
    expect(hook.delivery).toMatch(/^[0-9a-f-]{36}$/);
    const p = hook.payload;
    expect(p.before).toBe('0'.repeat(40));
    expect(p.after).toBe(
      (await alice.rest.git.getRef({ owner: 'alice', repo: 'api', ref: 'heads/feature' })).data.object.sha,
    );
    expect(p.repository).toMatchObject({
      full_name: 'alice/api',
      name: 'api',
      default_branch: 'main',
      owner: { login: 'alice' },
    });
    expect(p.pusher?.name).toBe('alice');
    expect(p.sender.login).toBe('alice');
    expect(p.installation?.id).toEqual(expect.any(Number));
    expect(p.commits?.[0].added).toEqual(['notes.txt']);
  });
});

describe('installation token scope on git and the API', () => {
  it('a token narrowed to alice/api pushes there and is refused on alice/web', async () => {
    const token = await installationToken(t.forge, 'alice', { repositories: ['api'] });
    const ok = await commitAndPush(
      'alice/api',
      token,
      { 'a.txt': 'a\n' },
      'scoped',
      join(t.work, 'scoped-api'),
    );
    expect(ok.code, ok.stderr).toBe(0);
    const refused = await commitAndPush(
      'alice/web',
      token,
      { 'a.txt': 'a\n' },
      'scoped',
      join(t.work, 'scoped-web'),
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Repository not found/);
    const inst = octokit(t.forge, token);
    expect((await inst.rest.repos.get({ owner: 'alice', repo: 'web' }).catch((e) => e)).status).toBe(404);
    const put = await inst.rest.repos
      .createOrUpdateFileContents({ owner: 'alice', repo: 'web', path: 'x', message: 'x', content: 'eA==' })
      .catch((e) => e);
    expect(put.status).toBe(403);
  });

  it('DELETE /installation/token revokes the token: 204, then 401 on the API and on git HTTP', async () => {
    const token = await installationToken(t.forge, 'alice', { repositories: ['api'] });
    const dir = join(t.work, 'revoked');
    expect(
      (await git([...authConfig(token), 'clone', '--quiet', cloneUrl(t.forge, 'alice/api'), dir], t.work))
        .code,
    ).toBe(0);
    const res = await fetch(`${t.forge.apiUrl}/installation/token`, {
      method: 'DELETE',
      headers: { authorization: `token ${token}` },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const api = await fetch(`${t.forge.apiUrl}/repos/alice/api`, {
      headers: { authorization: `token ${token}` },
    });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { message: string }).message).toBe('Bad credentials');
    const again = await fetch(`${t.forge.apiUrl}/installation/token`, {
      method: 'DELETE',
      headers: { authorization: `token ${token}` },
    });
    expect(again.status).toBe(401);
    const fetched = await git([...authConfig(token), 'fetch', 'origin'], dir);
    expect(fetched.code).not.toBe(0);
    // git got a 401 with WWW-Authenticate and asked for other credentials (none: prompts are off).
    expect(fetched.stderr).toMatch(/could not read Username/);
    const pushed = await git([...authConfig(token), 'push', 'origin', 'HEAD:refs/heads/after-revoke'], dir);
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toMatch(/could not read Username/);
    const refs = await fetch(`${cloneUrl(t.forge, 'alice/api')}/info/refs?service=git-upload-pack`, {
      headers: { authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` },
    });
    expect(refs.status).toBe(401);
    expect(await refs.text()).toMatch(/Invalid username or token/);
    // Other tokens of the same installation keep working.
    const other = await installationToken(t.forge, 'alice', { repositories: ['api'] });
    expect((await octokit(t.forge, other).rest.repos.get({ owner: 'alice', repo: 'api' })).status).toBe(200);
  });

  it('a contents:read token can fetch but not push (403)', async () => {
    const token = await installationToken(t.forge, 'alice', {
      repositories: ['api'],
      permissions: { contents: 'read' },
    });
    const r = await commitAndPush(
      'alice/api',
      token,
      { 'b.txt': 'b\n' },
      'readonly',
      join(t.work, 'readonly'),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Permission to alice\/api\.git denied to rfe-workbench\[bot\]/);
    expect(r.stderr).toMatch(/403/);
  });

  it('a push touching .github/workflows/ needs the workflows permission', async () => {
    const token = await installationToken(t.forge, 'alice', {
      repositories: ['api'],
      permissions: { contents: 'write' },
    });
    const dir = join(t.work, 'wf');
    const r = await commitAndPush(
      'alice/api',
      token,
      { '.github/workflows/ci.yml': 'on: push\n' },
      'wf',
      dir,
    );
    expect(r.code).not.toBe(0);
    // Stock git prints the reason GitHub gives inside the [remote rejected] line, with no remote: lines.
    expect(r.stderr).toContain(
      ' ! [remote rejected] HEAD -> wf (refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission)',
    );
    expect(r.stderr).not.toMatch(/^remote:/m);
    expect(r.stderr).not.toContain('hook declined');
    expect(
      (await alice.rest.git.getRef({ owner: 'alice', repo: 'api', ref: 'heads/wf' }).catch((e) => e)).status,
    ).toBe(404);

    // The same token's other refs are updated as before: per ref, with the push recorded (webhook).
    const plain = await gitOk(['commit-tree', 'HEAD^^{tree}', '-p', 'HEAD^', '-m', 'no workflow'], dir);
    const mixed = await git(
      [...authConfig(token), 'push', 'origin', 'HEAD:refs/heads/wf2', `${plain}:refs/heads/no-wf`],
      dir,
    );
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr).toMatch(/ \* \[new branch\] +[0-9a-f]+ -> no-wf\n/);
    expect(mixed.stderr).toMatch(
      / ! \[remote rejected\] HEAD -> wf2 \(refusing to allow a GitHub App to create or update workflow `\.github\/workflows\/ci\.yml` without `workflows` permission\)/,
    );
    expect(
      (await alice.rest.git.getRef({ owner: 'alice', repo: 'api', ref: 'heads/no-wf' })).data.object.sha,
    ).toBe(plain);
    await eventually(() =>
      hooks.received.find((h) => h.event === 'push' && h.payload.ref === 'refs/heads/no-wf'),
    );
    // An atomic push is refused whole.
    const atomic = await git(
      [
        ...authConfig(token),
        'push',
        '--atomic',
        'origin',
        'HEAD:refs/heads/wf3',
        `${plain}:refs/heads/no-wf2`,
      ],
      dir,
    );
    expect(atomic.code).not.toBe(0);
    expect(atomic.stderr).toMatch(/ ! \[remote rejected\] [0-9a-f]+ -> no-wf2 \(atomic push failure\)/);
    expect(
      (await alice.rest.git.getRef({ owner: 'alice', repo: 'api', ref: 'heads/no-wf2' }).catch((e) => e))
        .status,
    ).toBe(404);
    // Deleting a branch needs no workflow check.
    const deleted = await git([...authConfig(token), 'push', 'origin', ':refs/heads/no-wf'], dir);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toContain(' - [deleted]         no-wf');

    const allowed = await installationToken(t.forge, 'alice', {
      repositories: ['api'],
      permissions: { contents: 'write', workflows: 'write' },
    });
    const ok = await git([...authConfig(allowed), 'push', 'origin', 'HEAD:refs/heads/wf'], dir);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
