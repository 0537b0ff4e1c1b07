import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSeed, seedWithoutOrgInstallation } from '../src/index.ts';
import {
  authConfig,
  cloneUrl,
  git,
  gitOk,
  installationToken,
  startTestForge,
  type TestForge,
  userAccessToken,
} from './helpers.ts';

/**
 * GitHub's rule for user access tokens (ghu_): "a user access token can only access resources that both the
 * user and app can access", with the permissions both have. The matrix below is user token × repository
 * inside/outside an installation × public (acme/umbrella) / private (acme/api) × read/write.
 */

let inside: TestForge; // App installed on acme (the default seed)
let outside: TestForge; // App only on the users' accounts
let readOnly: TestForge; // App on acme with contents: read
let noWorkflows: TestForge; // App on acme with contents: write, without workflows
let counter = 0;

const readOnlySeed = {
  ...defaultSeed,
  installations: [
    { account: 'acme', permissions: { contents: 'read', metadata: 'read', pull_requests: 'write' } as const },
    { account: 'alice' },
  ],
};

const noWorkflowsSeed = {
  ...defaultSeed,
  installations: [
    {
      account: 'acme',
      permissions: { contents: 'write', metadata: 'read', pull_requests: 'write' } as const,
    },
    { account: 'alice' },
  ],
};

beforeAll(async () => {
  [inside, outside, readOnly, noWorkflows] = await Promise.all([
    startTestForge(),
    startTestForge({ seed: seedWithoutOrgInstallation }),
    startTestForge({ seed: readOnlySeed }),
    startTestForge({ seed: noWorkflowsSeed }),
  ]);
});
afterAll(() => Promise.all([inside, outside, readOnly, noWorkflows].map((t) => t?.close())));

async function call(t: TestForge, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${t.forge.apiUrl}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

const read = (t: TestForge, repo: string, token?: string) =>
  call(t, 'GET', `/repos/acme/${repo}/contents/README.md`, token);
const write = (t: TestForge, repo: string, token?: string) =>
  call(t, 'PUT', `/repos/acme/${repo}/contents/notes-${++counter}.txt`, token, {
    message: 'matrix',
    content: Buffer.from('x\n').toString('base64'),
  });

describe('user access token × installation × visibility × read/write', () => {
  it('inside an installation: reads and writes follow the user role', async () => {
    const alice = await userAccessToken(inside.forge, 'alice');
    expect((await read(inside, 'umbrella', alice)).status).toBe(200);
    expect((await read(inside, 'api', alice)).status).toBe(200);
    expect((await write(inside, 'umbrella', alice)).status).toBe(201);
    expect((await write(inside, 'api', alice)).status).toBe(201);
    // bob only reads acme: the installation's write does not lift the user's role.
    const bob = await userAccessToken(inside.forge, 'bob');
    expect((await read(inside, 'api', bob)).status).toBe(200);
    expect((await write(inside, 'api', bob)).status).toBe(404);
    // carol has no access to acme/web: the installation covering it does not help her.
    const carol = await userAccessToken(inside.forge, 'carol');
    expect((await read(inside, 'web', carol)).status).toBe(404);
  });

  it('outside every installation: public is read-only (403 on writes), private is hidden (404)', async () => {
    const alice = await userAccessToken(outside.forge, 'alice');
    expect((await read(outside, 'umbrella', alice)).status).toBe(200);
    const refused = await write(outside, 'umbrella', alice);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\/rest/),
      status: '403',
    });
    // alice is acme's admin, yet her user access token cannot see a private repository the App cannot.
    expect((await read(outside, 'api', alice)).status).toBe(404);
    expect((await write(outside, 'api', alice)).status).toBe(404);
    expect((await call(outside, 'GET', '/repos/acme/api', alice)).status).toBe(404);
    const listed = await call(outside, 'GET', '/user/repos', alice);
    expect((listed.body as unknown as { full_name: string }[]).map((r) => r.full_name)).toEqual([
      'acme/umbrella',
    ]);
    // Forking a private repository outside the installation is refused like reading it.
    expect((await call(outside, 'POST', '/repos/acme/api/forks', alice, {})).status).toBe(404);
  });

  it('permissions are the installation’s ∩ the user’s: contents:read installation refuses even the admin', async () => {
    const alice = await userAccessToken(readOnly.forge, 'alice');
    expect((await read(readOnly, 'api', alice)).status).toBe(200);
    const refused = await write(readOnly, 'api', alice);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('Resource not accessible by integration');
  });

  it('public repositories are readable anonymously; private ones are not', async () => {
    for (const t of [inside, outside]) {
      expect((await read(t, 'umbrella')).status).toBe(200);
      expect((await read(t, 'api')).status).toBe(404);
      expect((await write(t, 'umbrella')).status).toBe(401);
    }
  });

  it('personal access tokens and installation tokens are unchanged', async () => {
    const pat = await outside.forge.userToken('alice');
    expect((await read(outside, 'api', pat)).status).toBe(200);
    expect((await write(outside, 'api', pat)).status).toBe(201);
    // alice's installation (her own account) does not reach acme: 404 private, 403 public write.
    const inst = await installationToken(inside.forge, 'alice');
    expect((await read(inside, 'api', inst)).status).toBe(404);
    expect((await read(inside, 'umbrella', inst)).status).toBe(200);
    expect((await write(inside, 'umbrella', inst)).status).toBe(403);
  });
});

describe('the permissions object on repositories', () => {
  const flags = async (t: TestForge, repo: string, token: string) =>
    (await call(t, 'GET', `/repos/acme/${repo}`, token)).body.permissions;
  const all = { admin: true, maintain: true, push: true, triage: true, pull: true };
  const pullOnly = { admin: false, maintain: false, push: false, triage: false, pull: true };

  it('a user access token shows what it can do: the installation’s permissions ∩ the user’s role', async () => {
    // The default App (contents, pull_requests, administration: write) on acme: alice's admin role shows.
    expect(await flags(inside, 'api', await userAccessToken(inside.forge, 'alice'))).toEqual(all);
    // bob only reads acme: his role caps what the installation grants.
    expect(await flags(inside, 'api', await userAccessToken(inside.forge, 'bob'))).toEqual(pullOnly);
    // An installation granting contents: read (pull_requests: write): alice, an admin, cannot push or
    // administer with her user access token, and GET /repos says so, in lists too.
    const alice = await userAccessToken(readOnly.forge, 'alice');
    const readOnlyFlags = { admin: false, maintain: false, push: false, triage: true, pull: true };
    expect(await flags(readOnly, 'api', alice)).toEqual(readOnlyFlags);
    const listed = (await call(readOnly, 'GET', '/user/repos', alice)).body as unknown as {
      full_name: string;
      permissions: unknown;
    }[];
    expect(listed.find((r) => r.full_name === 'acme/api')?.permissions).toEqual(readOnlyFlags);
    // Outside every installation a public repository is read-only for the token.
    expect(await flags(outside, 'umbrella', await userAccessToken(outside.forge, 'alice'))).toEqual(pullOnly);
  });

  it('a personal access token shows the user’s role', async () => {
    expect(await flags(readOnly, 'api', await readOnly.forge.userToken('alice'))).toEqual(all);
    expect(await flags(outside, 'umbrella', await outside.forge.userToken('alice'))).toEqual(all);
    expect(await flags(inside, 'api', await inside.forge.userToken('bob'))).toEqual(pullOnly);
  });
});

describe('the same rules on git smart HTTP', () => {
  it('clone and push with a user access token inside and outside an installation', async () => {
    const dir = (name: string) => join(inside.work, name);
    const alice = await userAccessToken(inside.forge, 'alice');
    await gitOk(
      [...authConfig(alice, 'alice'), 'clone', '-q', cloneUrl(inside.forge, 'acme/api'), dir('in')],
      inside.work,
    );
    await gitOk(['commit', '-q', '--allow-empty', '-m', 'inside'], dir('in'));
    await gitOk([...authConfig(alice, 'alice'), 'push', '-q', 'origin', 'HEAD:refs/heads/inside'], dir('in'));

    const outAlice = await userAccessToken(outside.forge, 'alice');
    const hidden = await git(
      [...authConfig(outAlice, 'alice'), 'clone', '-q', cloneUrl(outside.forge, 'acme/api'), dir('hidden')],
      inside.work,
    );
    expect(hidden.code).not.toBe(0);
    expect(hidden.stderr).toContain('Repository not found.');
    await gitOk(
      [...authConfig(outAlice, 'alice'), 'clone', '-q', cloneUrl(outside.forge, 'acme/umbrella'), dir('pub')],
      inside.work,
    );
    await gitOk(['commit', '-q', '--allow-empty', '-m', 'outside'], dir('pub'));
    const push = await git(
      [...authConfig(outAlice, 'alice'), 'push', 'origin', 'HEAD:refs/heads/x'],
      dir('pub'),
    );
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('Permission to acme/umbrella.git denied to alice.');
    // Anonymous clone of the public umbrella works on both.
    await gitOk(['clone', '-q', cloneUrl(outside.forge, 'acme/umbrella'), dir('anon')], inside.work);
  });

  it('a user access token whose installation lacks workflows is refused per ref, with GitHub’s reason', async () => {
    const dir = join(noWorkflows.work, 'wf');
    const alice = await userAccessToken(noWorkflows.forge, 'alice');
    const creds = authConfig(alice, 'alice');
    await gitOk([...creds, 'clone', '-q', cloneUrl(noWorkflows.forge, 'acme/api'), dir], noWorkflows.work);
    await gitOk(['commit', '-q', '--allow-empty', '-m', 'no workflow'], dir);
    await gitOk([...creds, 'push', '-q', 'origin', 'HEAD:refs/heads/plain'], dir);
    await mkdir(join(dir, '.github/workflows'), { recursive: true });
    await writeFile(join(dir, '.github/workflows/x.yml'), 'on: push\n');
    await gitOk(['add', '-A'], dir);
    await gitOk(['commit', '-q', '-m', 'workflow'], dir);
    const push = await git([...creds, 'push', 'origin', 'HEAD:refs/heads/wf'], dir);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(
      ' ! [remote rejected] HEAD -> wf (refusing to allow a GitHub App to create or update workflow `.github/workflows/x.yml` without `workflows` permission)',
    );
    expect((await call(noWorkflows, 'GET', '/repos/acme/api/branches/wf', alice)).status).toBe(404);
    expect((await call(noWorkflows, 'GET', '/repos/acme/api/branches/plain', alice)).status).toBe(200);
  });
});
