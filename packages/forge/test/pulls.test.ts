import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authConfig,
  cloneUrl,
  computedPull,
  eventually,
  forkReady,
  gitOk,
  installationToken,
  octokit,
  startHookReceiver,
  startTestForge,
  type TestForge,
  userAccessToken,
} from './helpers.ts';

let t: TestForge;
let user: Octokit;
let inst: Octokit;
let instToken: string;
let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
let forkDir: string;

const content = (s: string) => Buffer.from(s).toString('base64');

beforeAll(async () => {
  t = await startTestForge();
  hooks = await startHookReceiver();
  t.forge.setWebhooks([{ url: hooks.url, secret: 's' }]);
  user = octokit(t.forge, await userAccessToken(t.forge, 'alice'));
  const fork = await user.rest.repos.createFork({ owner: 'acme', repo: 'api' });
  expect(fork.status).toBe(202);
  await forkReady(user, 'alice', 'api');
  instToken = await installationToken(t.forge, 'alice');
  inst = octokit(t.forge, instToken);
  forkDir = join(t.work, 'fork');
  await gitOk(
    [...authConfig(instToken), 'clone', '--quiet', cloneUrl(t.forge, 'alice/api'), forkDir],
    t.work,
  );
  await gitOk(['checkout', '--quiet', '-b', 'feature'], forkDir);
  await writeFile(join(forkDir, 'feature.txt'), 'one\n');
  await gitOk(['add', '.'], forkDir);
  await gitOk(['commit', '--quiet', '-m', 'feature one'], forkDir);
  await gitOk([...authConfig(instToken), 'push', '--quiet', 'origin', 'feature'], forkDir);
});
afterAll(async () => {
  await hooks.close();
  await t.close();
});

const pullEvents = (action: string) =>
  hooks.received
    .filter((h) => h.event === 'pull_request' && h.payload.action === action)
    .map((h) => h.payload);

describe('forks', () => {
  it('a fork is a real git copy with fork, parent and source', async () => {
    const { data } = await user.rest.repos.get({ owner: 'alice', repo: 'api' });
    expect(data.fork).toBe(true);
    expect(data.parent?.full_name).toBe('acme/api');
    expect(data.source?.full_name).toBe('acme/api');
    expect(data.private).toBe(true);
    const forks = await user.rest.repos.listForks({ owner: 'acme', repo: 'api' });
    expect(forks.data.map((f) => f.full_name)).toEqual(['alice/api']);
    const again = await user.rest.repos.createFork({ owner: 'acme', repo: 'api' });
    expect(again.data.id).toBe(data.id);
  });

  it('compare works across the fork network', async () => {
    const { data } = await user.rest.repos.compareCommitsWithBasehead({
      owner: 'acme',
      repo: 'api',
      basehead: 'main...alice:feature',
    });
    expect([data.status, data.ahead_by, data.behind_by]).toEqual(['ahead', 1, 0]);
  });
});

describe('pull requests', () => {
  let number: number;

  it('an installation token of an App installed only on the user account cannot open a PR upstream (403)', async () => {
    const err = await inst.rest.pulls
      .create({ owner: 'acme', repo: 'api', title: 'T', head: 'alice:feature', base: 'main' })
      .catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.response.data.message).toBe('Resource not accessible by integration');
    expect(err.response.data.documentation_url).toEqual(expect.any(String));
  });

  it('the user token opens the cross-fork PR', async () => {
    const { data, status } = await user.rest.pulls.create({
      owner: 'acme',
      repo: 'api',
      title: 'Add feature',
      head: 'alice:feature',
      base: 'main',
      body: 'b',
    });
    expect(status).toBe(201);
    number = data.number;
    // GitHub computes mergeability in the background: unknown at first, then known.
    expect(data).toMatchObject({
      state: 'open',
      merged: false,
      mergeable: null,
      mergeable_state: 'unknown',
      commits: 1,
      changed_files: 1,
    });
    expect(await computedPull(user, 'acme', 'api', number)).toMatchObject({
      mergeable: true,
      rebaseable: true,
      mergeable_state: 'clean',
    });
    expect(data.head).toMatchObject({
      ref: 'feature',
      label: 'alice:feature',
      repo: { full_name: 'alice/api' },
    });
    expect(data.base).toMatchObject({ ref: 'main', repo: { full_name: 'acme/api' } });
    expect(data.html_url).toBe(`${t.forge.url}/acme/api/pull/${number}`);
    const opened = await eventually(() => pullEvents('opened')[0]);
    expect(opened.pull_request).toMatchObject({
      number,
      state: 'open',
      merged: false,
      head: { ref: 'feature', repo: { full_name: 'alice/api' } },
    });
  });

  it('rejects duplicates, empty PRs and unknown branches with 422', async () => {
    const dup = await user.rest.pulls
      .create({ owner: 'acme', repo: 'api', title: 'again', head: 'alice:feature', base: 'main' })
      .catch((e) => e);
    expect(dup.status).toBe(422);
    expect(dup.response.data.errors[0].message).toBe('A pull request already exists for alice:feature.');
    const empty = await user.rest.pulls
      .create({ owner: 'acme', repo: 'api', title: 'none', head: 'alice:main', base: 'main' })
      .catch((e) => e);
    expect(empty.status).toBe(422);
    expect(empty.response.data.errors[0].message).toMatch(/^No commits between main and alice:main/);
    const nohead = await user.rest.pulls
      .create({ owner: 'acme', repo: 'api', title: 'x', head: 'alice:nope', base: 'main' })
      .catch((e) => e);
    expect(nohead.response.data.errors[0]).toMatchObject({
      resource: 'PullRequest',
      field: 'head',
      code: 'invalid',
    });
  });

  it('pushing to the head branch synchronizes the PR', async () => {
    await writeFile(join(forkDir, 'feature.txt'), 'two\n');
    await gitOk(['commit', '--quiet', '-am', 'feature two'], forkDir);
    await gitOk([...authConfig(instToken), 'push', '--quiet', 'origin', 'feature'], forkDir);
    const head = await gitOk(['rev-parse', 'HEAD'], forkDir);
    const sync = await eventually(() => pullEvents('synchronize').find((p) => p.after === head));
    expect(sync.pull_request?.head.sha).toBe(head);
    expect(
      (await user.rest.pulls.get({ owner: 'acme', repo: 'api', pull_number: number })).data.commits,
    ).toBe(2);
  });

  it('edits and lists with state/head/base filters', async () => {
    const { data } = await user.rest.pulls.update({
      owner: 'acme',
      repo: 'api',
      pull_number: number,
      title: 'Add feature (v2)',
    });
    expect(data.title).toBe('Add feature (v2)');
    const edited = await eventually(() => pullEvents('edited')[0]);
    expect(edited.changes?.title?.from).toBe('Add feature');
    const list = (q: Record<string, string>) =>
      user.rest.pulls.list({ owner: 'acme', repo: 'api', ...q }).then((r) => r.data.map((p) => p.number));
    expect(await list({ head: 'alice:feature' })).toEqual([number]);
    expect(await list({ head: 'bob:feature' })).toEqual([]);
    expect(await list({ base: 'other' })).toEqual([]);
    expect(await list({ state: 'closed' })).toEqual([]);
  });

  it('honours the repository merge settings (405) and merges with a real merge commit', async () => {
    const admin = octokit(t.forge, await t.forge.userToken('alice'));
    await admin.rest.repos.update({ owner: 'acme', repo: 'api', allow_squash_merge: false });
    const squash = await user.rest.pulls
      .merge({ owner: 'acme', repo: 'api', pull_number: number, merge_method: 'squash' })
      .catch((e) => e);
    expect(squash.status).toBe(405);
    expect(squash.response.data.message).toBe('Squash merges are not allowed on this repository.');
    const stale = await user.rest.pulls
      .merge({ owner: 'acme', repo: 'api', pull_number: number, sha: 'a'.repeat(40) })
      .catch((e) => e);
    expect(stale.status).toBe(409);
    const mainBefore = (await user.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' })).data
      .object.sha;
    const head = await gitOk(['rev-parse', 'HEAD'], forkDir);
    const merged = await user.rest.pulls.merge({
      owner: 'acme',
      repo: 'api',
      pull_number: number,
      merge_method: 'merge',
    });
    expect(merged.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });
    const commit = await user.rest.git.getCommit({ owner: 'acme', repo: 'api', commit_sha: merged.data.sha });
    expect(commit.data.parents.map((p) => p.sha)).toEqual([mainBefore, head]);
    expect(commit.data.message).toMatch(new RegExp(`^Merge pull request #${number} from alice/feature`));
    expect(
      (await user.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' })).data.object.sha,
    ).toBe(merged.data.sha);
    const pr = await user.rest.pulls.get({ owner: 'acme', repo: 'api', pull_number: number });
    expect(pr.data).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: merged.data.sha,
      merged_by: { login: 'alice' },
    });
    const closed = await eventually(() => pullEvents('closed').find((p) => p.number === number));
    expect(closed.pull_request?.merged).toBe(true);
    await eventually(() =>
      hooks.received.find(
        (h) =>
          h.event === 'push' &&
          h.payload.repository.full_name === 'acme/api' &&
          h.payload.after === merged.data.sha,
      ),
    );
    expect(
      (await user.rest.pulls.merge({ owner: 'acme', repo: 'api', pull_number: number }).catch((e) => e))
        .status,
    ).toBe(405);
    // The merge commit is real git: a fresh clone has it.
    const check = join(t.work, 'check');
    await gitOk(
      [
        ...authConfig(await t.forge.userToken('alice'), 'alice'),
        'clone',
        '--quiet',
        cloneUrl(t.forge, 'acme/api'),
        check,
      ],
      t.work,
    );
    expect(await gitOk(['log', '-1', '--format=%P'], check)).toBe(`${mainBefore} ${head}`);
  });

  it('closes and reopens; conflicting PRs are not mergeable', async () => {
    const admin = octokit(t.forge, await t.forge.userToken('alice'));
    const base = (await admin.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main' })).data.object
      .sha;
    await admin.rest.git.createRef({ owner: 'acme', repo: 'web', ref: 'refs/heads/c1', sha: base });
    const readme = (await admin.rest.repos.getContent({ owner: 'acme', repo: 'web', path: 'README.md' }))
      .data as { sha: string };
    await admin.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'web',
      path: 'README.md',
      message: 'c1',
      content: content('c1\n'),
      sha: readme.sha,
      branch: 'c1',
    });
    await admin.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'web',
      path: 'README.md',
      message: 'main',
      content: content('main\n'),
      sha: readme.sha,
    });
    const pr = await admin.rest.pulls.create({
      owner: 'acme',
      repo: 'web',
      title: 'conflict',
      head: 'c1',
      base: 'main',
    });
    expect(pr.data.mergeable).toBeNull();
    const computed = await computedPull(admin, 'acme', 'web', pr.data.number);
    expect(computed.mergeable).toBe(false);
    expect(computed.mergeable_state).toBe('dirty');
    const merge = await admin.rest.pulls
      .merge({ owner: 'acme', repo: 'web', pull_number: pr.data.number })
      .catch((e) => e);
    expect(merge.status).toBe(405);
    await admin.rest.pulls.update({
      owner: 'acme',
      repo: 'web',
      pull_number: pr.data.number,
      state: 'closed',
    });
    const closed = await eventually(() =>
      pullEvents('closed').find((p) => p.number === pr.data.number && p.repository.full_name === 'acme/web'),
    );
    expect(closed.pull_request?.merged).toBe(false);
    const reopened = await admin.rest.pulls.update({
      owner: 'acme',
      repo: 'web',
      pull_number: pr.data.number,
      state: 'open',
    });
    expect(reopened.data.state).toBe('open');
    await eventually(() => pullEvents('reopened').find((p) => p.number === pr.data.number));
    const bob = octokit(t.forge, await t.forge.userToken('bob'));
    expect(
      (
        await bob.rest.pulls
          .update({ owner: 'acme', repo: 'web', pull_number: pr.data.number, title: 'x' })
          .catch((e) => e)
      ).status,
    ).toBe(404);
  });

  it('squash and rebase merges when the repository allows them', async () => {
    const admin = octokit(t.forge, await t.forge.userToken('alice'));
    await admin.rest.repos.update({ owner: 'acme', repo: 'umbrella', allow_merge_commit: false });
    for (const method of ['squash', 'rebase'] as const) {
      const base = (await admin.rest.git.getRef({ owner: 'acme', repo: 'umbrella', ref: 'heads/main' })).data
        .object.sha;
      await admin.rest.git.createRef({
        owner: 'acme',
        repo: 'umbrella',
        ref: `refs/heads/${method}`,
        sha: base,
      });
      await admin.rest.repos.createOrUpdateFileContents({
        owner: 'acme',
        repo: 'umbrella',
        path: `${method}-1.md`,
        message: `${method} 1`,
        content: content('1'),
        branch: method,
      });
      await admin.rest.repos.createOrUpdateFileContents({
        owner: 'acme',
        repo: 'umbrella',
        path: `${method}-2.md`,
        message: `${method} 2`,
        content: content('2'),
        branch: method,
      });
      const pr = await admin.rest.pulls.create({
        owner: 'acme',
        repo: 'umbrella',
        title: method,
        head: method,
        base: 'main',
      });
      expect(
        (
          await admin.rest.pulls
            .merge({ owner: 'acme', repo: 'umbrella', pull_number: pr.data.number })
            .catch((e) => e)
        ).response.data.message,
      ).toBe('Merge commits are not allowed on this repository.');
      const merged = await admin.rest.pulls.merge({
        owner: 'acme',
        repo: 'umbrella',
        pull_number: pr.data.number,
        merge_method: method,
      });
      const tip = await admin.rest.git.getCommit({
        owner: 'acme',
        repo: 'umbrella',
        commit_sha: merged.data.sha,
      });
      expect(tip.data.parents).toHaveLength(1);
      if (method === 'squash') expect(tip.data.parents[0].sha).toBe(base);
      else expect(tip.data.message).toBe('rebase 2');
      const files = (await admin.rest.repos.getContent({ owner: 'acme', repo: 'umbrella', path: '' }))
        .data as { name: string }[];
      expect(files.map((f) => f.name)).toEqual(expect.arrayContaining([`${method}-1.md`, `${method}-2.md`]));
    }
  });
});
