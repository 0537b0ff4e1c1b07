import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokit, startTestForge, type TestForge } from './helpers.ts';

let t: TestForge;
let alice: Octokit;
let bob: Octokit;
let carol: Octokit;

beforeAll(async () => {
  t = await startTestForge();
  alice = octokit(t.forge, await t.forge.userToken('alice'));
  bob = octokit(t.forge, await t.forge.userToken('bob'));
  carol = octokit(t.forge, await t.forge.userToken('carol'));
});
afterAll(() => t.close());

const status = async (p: Promise<unknown>) => {
  try {
    await p;
    return 200;
  } catch (err) {
    return (err as { status: number }).status;
  }
};

describe('users and repositories', () => {
  it('GET /user returns the token owner', async () => {
    const { data } = await alice.rest.users.getAuthenticated();
    expect(data.login).toBe('alice');
    expect((await octokit(t.forge).rest.users.getByUsername({ username: 'bob' })).data.login).toBe('bob');
  });

  it('private repositories are hidden (404) from those without access', async () => {
    expect((await bob.rest.repos.get({ owner: 'acme', repo: 'web' })).data.private).toBe(true);
    expect(await status(carol.rest.repos.get({ owner: 'acme', repo: 'web' }))).toBe(404);
    expect(await status(carol.rest.repos.get({ owner: 'acme', repo: 'api' }))).toBe(200);
    expect(await status(octokit(t.forge).rest.repos.get({ owner: 'acme', repo: 'api' }))).toBe(404);
  });

  it('repository permissions follow org role and collaborator overrides', async () => {
    const perm = async (username: string, repo: string) =>
      (await alice.rest.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo, username })).data
        .permission;
    expect(await perm('alice', 'web')).toBe('admin');
    expect(await perm('bob', 'web')).toBe('read');
    expect(await perm('carol', 'web')).toBe('none');
    const { data } = await bob.rest.repos.get({ owner: 'acme', repo: 'api' });
    expect(data.permissions).toEqual({
      admin: false,
      maintain: false,
      push: false,
      triage: false,
      pull: true,
    });
  });

  it('lists repositories for the user, a user and an org, visible ones only', async () => {
    const mine = (await carol.rest.repos.listForAuthenticatedUser()).data.map((r) => r.full_name);
    expect(mine.sort()).toEqual(['acme/api', 'acme/umbrella']);
    const org = (await carol.rest.repos.listForOrg({ org: 'acme' })).data.map((r) => r.name);
    expect(org.sort()).toEqual(['api', 'umbrella']);
    // Anonymous callers see only the public umbrella.
    const anonymous = (await octokit(t.forge).rest.repos.listForOrg({ org: 'acme' })).data;
    expect(anonymous.map((r) => r.name)).toEqual(['umbrella']);
  });

  it('creates user and org repositories, rejects invalid and duplicate names', async () => {
    const { data, status: code } = await alice.rest.repos.createForAuthenticatedUser({
      name: 'scratch',
      auto_init: true,
    });
    expect(code).toBe(201);
    expect(data.full_name).toBe('alice/scratch');
    expect(data.default_branch).toBe('main');
    const readme = await alice.rest.repos.getContent({ owner: 'alice', repo: 'scratch', path: 'README.md' });
    expect(Buffer.from((readme.data as { content: string }).content, 'base64').toString()).toBe(
      '# scratch\n',
    );
    expect(
      (await alice.rest.repos.createInOrg({ org: 'acme', name: 'docs', private: true })).data.private,
    ).toBe(true);
    expect(await status(bob.rest.repos.createInOrg({ org: 'acme', name: 'nope' }))).toBe(403);
    const dup = await alice.rest.repos.createForAuthenticatedUser({ name: 'scratch' }).catch((e) => e);
    expect(dup.status).toBe(422);
    expect(dup.response.data.errors[0].message).toBe('name already exists on this account');
    expect(await status(alice.rest.repos.createForAuthenticatedUser({ name: 'bad name!' }))).toBe(422);
  });

  it('updates merge settings and default branch; needs admin', async () => {
    const { data } = await alice.rest.repos.update({
      owner: 'acme',
      repo: 'api',
      allow_squash_merge: false,
      allow_rebase_merge: false,
    });
    expect([data.allow_merge_commit, data.allow_squash_merge, data.allow_rebase_merge]).toEqual([
      true,
      false,
      false,
    ]);
    const noMethod = await alice.rest.repos
      .update({ owner: 'acme', repo: 'api', allow_merge_commit: false })
      .catch((e) => e);
    expect(noMethod.status).toBe(422);
    expect(
      await status(bob.rest.repos.update({ owner: 'acme', repo: 'api', allow_squash_merge: true })),
    ).toBe(403);
    expect(
      await status(alice.rest.repos.update({ owner: 'acme', repo: 'api', default_branch: 'missing' })),
    ).toBe(422);
  });
});

describe('branches, refs and git objects', () => {
  it('creates, fast-forwards, force-updates and deletes refs', async () => {
    const main = (await alice.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main' })).data.object
      .sha;
    const created = await alice.rest.git.createRef({
      owner: 'acme',
      repo: 'web',
      ref: 'refs/heads/topic/one',
      sha: main,
    });
    expect(created.status).toBe(201);
    expect(created.data.ref).toBe('refs/heads/topic/one');
    expect(
      await status(
        alice.rest.git.createRef({ owner: 'acme', repo: 'web', ref: 'refs/heads/topic/one', sha: main }),
      ),
    ).toBe(422);
    expect(
      await status(alice.rest.git.createRef({ owner: 'acme', repo: 'web', ref: 'heads/x', sha: main })),
    ).toBe(422);
    expect(
      await status(
        alice.rest.git.createRef({ owner: 'acme', repo: 'web', ref: 'refs/heads/y', sha: 'f'.repeat(40) }),
      ),
    ).toBe(422);

    const blob = await alice.rest.git.createBlob({
      owner: 'acme',
      repo: 'web',
      content: 'hello\n',
      encoding: 'utf-8',
    });
    const tree = await alice.rest.git.createTree({
      owner: 'acme',
      repo: 'web',
      base_tree: (await alice.rest.git.getCommit({ owner: 'acme', repo: 'web', commit_sha: main })).data.tree
        .sha,
      tree: [
        { path: 'docs/hello.txt', mode: '100644', type: 'blob', sha: blob.data.sha },
        { path: 'inline.txt', mode: '100644', type: 'blob', content: 'inline\n' },
      ],
    });
    expect(tree.status).toBe(201);
    const commit = await alice.rest.git.createCommit({
      owner: 'acme',
      repo: 'web',
      message: 'add docs',
      tree: tree.data.sha,
      parents: [main],
    });
    expect(commit.data.parents[0].sha).toBe(main);
    const ff = await alice.rest.git.updateRef({
      owner: 'acme',
      repo: 'web',
      ref: 'heads/topic/one',
      sha: commit.data.sha,
    });
    expect(ff.data.object.sha).toBe(commit.data.sha);

    const back = await alice.rest.git
      .updateRef({ owner: 'acme', repo: 'web', ref: 'heads/topic/one', sha: main })
      .catch((e) => e);
    expect(back.status).toBe(422);
    expect(back.response.data.message).toBe('Update is not a fast forward');
    const forced = await alice.rest.git.updateRef({
      owner: 'acme',
      repo: 'web',
      ref: 'heads/topic/one',
      sha: main,
      force: true,
    });
    expect(forced.data.object.sha).toBe(main);

    const matching = await alice.rest.git.listMatchingRefs({
      owner: 'acme',
      repo: 'web',
      ref: 'heads/topic',
    });
    expect(matching.data.map((r) => r.ref)).toEqual(['refs/heads/topic/one']);
    expect(
      (await alice.rest.repos.getBranch({ owner: 'acme', repo: 'web', branch: 'topic/one' })).data.commit.sha,
    ).toBe(main);
    expect(
      (await alice.rest.git.deleteRef({ owner: 'acme', repo: 'web', ref: 'heads/topic/one' })).status,
    ).toBe(204);
    expect(await status(alice.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/topic/one' }))).toBe(
      404,
    );
    expect(
      await status(alice.rest.git.deleteRef({ owner: 'acme', repo: 'web', ref: 'heads/topic/one' })),
    ).toBe(422);
    expect(
      await status(bob.rest.git.createRef({ owner: 'acme', repo: 'web', ref: 'refs/heads/b', sha: main })),
    ).toBe(404);
  });

  it('reads trees recursively (submodules as mode 160000 commits), commits and blobs', async () => {
    const { data } = await alice.rest.git.getTree({
      owner: 'acme',
      repo: 'umbrella',
      tree_sha: 'main',
      recursive: '1',
    });
    const api = data.tree.find((e) => e.path === 'repos/api');
    const apiHead = (await alice.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' })).data
      .object.sha;
    expect(api).toMatchObject({ mode: '160000', type: 'commit', sha: apiHead });
    expect(data.tree.find((e) => e.path === 'repos')?.type).toBe('tree');
    const readme = data.tree.find((e) => e.path === 'README.md')!;
    const blob = await alice.rest.git.getBlob({ owner: 'acme', repo: 'umbrella', file_sha: readme.sha! });
    expect(Buffer.from(blob.data.content, 'base64').toString()).toContain('acme/umbrella');
    const commit = await alice.rest.repos.getCommit({ owner: 'acme', repo: 'umbrella', ref: 'main' });
    expect(commit.data.files?.map((f) => f.filename).sort()).toEqual([
      '.gitmodules',
      'README.md',
      'repos/api',
      'repos/web',
    ]);
    expect(
      await status(alice.rest.git.getCommit({ owner: 'acme', repo: 'umbrella', commit_sha: '0'.repeat(40) })),
    ).toBe(404);
  });
});

describe('contents API', () => {
  it('returns files (base64), directories (submodules typed "file") and submodules', async () => {
    const file = (await alice.rest.repos.getContent({ owner: 'acme', repo: 'api', path: 'package.json' }))
      .data as Record<string, unknown>;
    expect(file).toMatchObject({
      type: 'file',
      encoding: 'base64',
      name: 'package.json',
      path: 'package.json',
    });
    expect(JSON.parse(Buffer.from(String(file.content), 'base64').toString()).name).toBe('@acme/api');
    const dir = (await alice.rest.repos.getContent({ owner: 'acme', repo: 'umbrella', path: 'repos' }))
      .data as { name: string; type: string }[];
    expect(dir.map((e) => [e.name, e.type])).toEqual([
      ['api', 'file'],
      ['web', 'file'],
    ]);
    const sub = (await alice.rest.repos.getContent({ owner: 'acme', repo: 'umbrella', path: 'repos/web' }))
      .data as Record<string, unknown>;
    const webHead = (await alice.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main' })).data
      .object.sha;
    expect(sub).toMatchObject({
      type: 'submodule',
      submodule_git_url: `${t.forge.url}/acme/web.git`,
      sha: webHead,
      size: 0,
    });
    expect(await status(alice.rest.repos.getContent({ owner: 'acme', repo: 'api', path: 'nope.txt' }))).toBe(
      404,
    );
    expect(
      await status(
        alice.rest.repos.getContent({ owner: 'acme', repo: 'api', path: 'README.md', ref: 'no-such-ref' }),
      ),
    ).toBe(404);
    const raw = await fetch(`${t.forge.apiUrl}/repos/acme/api/contents/README.md`, {
      headers: {
        authorization: `token ${await t.forge.userToken('alice')}`,
        accept: 'application/vnd.github.raw',
      },
    });
    expect(await raw.text()).toBe('# acme/api\n\nThe Acme API service.\n');
  });

  it('creates and updates files: update needs the current sha (422 without, 409 on mismatch)', async () => {
    const put = (content: string, sha?: string) =>
      alice.rest.repos.createOrUpdateFileContents({
        owner: 'acme',
        repo: 'umbrella',
        path: 'specs/one.md',
        message: 'spec',
        content: Buffer.from(content).toString('base64'),
        sha,
      });
    const created = await put('v1\n');
    expect(created.status).toBe(201);
    const sha = created.data.content!.sha!;
    const noSha = await put('v2\n').catch((e) => e);
    expect(noSha.status).toBe(422);
    const wrong = await put('v2\n', 'a'.repeat(40)).catch((e) => e);
    expect(wrong.status).toBe(409);
    const updated = await put('v2\n', sha);
    expect(updated.status).toBe(200);
    expect(updated.data.commit.parents).toHaveLength(1);
    expect(
      await status(
        bob.rest.repos.createOrUpdateFileContents({
          owner: 'acme',
          repo: 'umbrella',
          path: 'x',
          message: 'm',
          content: '',
        }),
      ),
    ).toBe(404);
  });
});

describe('compare', () => {
  it('reports ahead_by, behind_by and status between refs', async () => {
    const main = (await alice.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' })).data.object
      .sha;
    await alice.rest.git.createRef({ owner: 'acme', repo: 'api', ref: 'refs/heads/cmp', sha: main });
    await alice.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'api',
      path: 'a.txt',
      message: 'a',
      content: 'YQ==',
      branch: 'cmp',
    });
    await alice.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'api',
      path: 'b.txt',
      message: 'b',
      content: 'Yg==',
      branch: 'main',
    });
    const { data } = await alice.rest.repos.compareCommitsWithBasehead({
      owner: 'acme',
      repo: 'api',
      basehead: 'main...cmp',
    });
    expect([data.status, data.ahead_by, data.behind_by, data.total_commits]).toEqual(['diverged', 1, 1, 1]);
    expect(data.files?.map((f) => f.filename)).toEqual(['a.txt']);
    expect(data.merge_base_commit.sha).toBe(main);
    const same = await alice.rest.repos.compareCommitsWithBasehead({
      owner: 'acme',
      repo: 'api',
      basehead: 'main...main',
    });
    expect(same.data.status).toBe('identical');
    expect(
      await status(
        alice.rest.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'api', basehead: 'main...nope' }),
      ),
    ).toBe(404);
  });
});
