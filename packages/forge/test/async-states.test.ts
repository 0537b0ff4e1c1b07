import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startForge } from '../src/index.ts';
import { computedPull, forkReady, octokit, startTestForge, type TestForge } from './helpers.ts';

/**
 * GitHub's asynchronous states: a fork is accepted (202) and populated later; a PR's mergeability is
 * computed in the background. The delays here are long enough that the "right after" checks run inside
 * them even on a loaded machine; the "later" checks wait for the condition, never for a fixed time.
 */

const started: TestForge[] = [];
afterAll(() => Promise.all(started.map((t) => t.close())));

async function forge(delays: { forkMs?: number; mergeabilityMs?: number }) {
  const t = await startTestForge({ delays });
  started.push(t);
  return t;
}

describe('asynchronous forks', () => {
  it('right after the 202 the fork exists but is empty: 409 on git reads and contents, no branches', async () => {
    const t = await forge({ forkMs: 4000 });
    const alice = octokit(t.forge, await t.forge.userToken('alice'));
    const created = await alice.rest.repos.createFork({ owner: 'acme', repo: 'api' });
    expect(created.status).toBe(202);
    expect((await alice.rest.repos.get({ owner: 'alice', repo: 'api' })).data.fork).toBe(true);
    for (const attempt of [
      alice.rest.repos.getContent({ owner: 'alice', repo: 'api', path: 'README.md' }),
      alice.rest.git.getRef({ owner: 'alice', repo: 'api', ref: 'heads/main' }),
      alice.rest.repos.getCommit({ owner: 'alice', repo: 'api', ref: 'main' }),
    ]) {
      const err = await attempt.catch((e) => e);
      expect(err.status).toBe(409);
      expect(err.response.data.message).toBe('Git Repository is empty.');
    }
    expect((await alice.rest.repos.listBranches({ owner: 'alice', repo: 'api' })).data).toEqual([]);
    expect(
      (await alice.rest.repos.getBranch({ owner: 'alice', repo: 'api', branch: 'main' }).catch((e) => e))
        .status,
    ).toBe(404);
    await forkReady(alice, 'alice', 'api');
    const readme = await alice.rest.repos.getContent({ owner: 'alice', repo: 'api', path: 'README.md' });
    expect(readme.status).toBe(200);
  });

  it('with forkMs: 0 the fork is complete at the 202', async () => {
    const t = await forge({ forkMs: 0 });
    const alice = octokit(t.forge, await t.forge.userToken('alice'));
    await alice.rest.repos.createFork({ owner: 'acme', repo: 'web' });
    expect((await alice.rest.repos.getBranch({ owner: 'alice', repo: 'web', branch: 'main' })).status).toBe(
      200,
    );
  });

  it('a fork still waiting when the forge stops is completed when it starts again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'forge-async-'));
    try {
      const first = await startForge({ dataDir, delays: { forkMs: 600_000 } });
      const token = await first.userToken('bob');
      await octokit(first, token).rest.repos.createFork({ owner: 'acme', repo: 'api' });
      await first.close(); // returns at once: the pending copy is left for the next start
      const second = await startForge({ dataDir, delays: { forkMs: 600_000 } });
      try {
        const bob = octokit(second, token);
        expect((await bob.rest.repos.getBranch({ owner: 'bob', repo: 'api', branch: 'main' })).status).toBe(
          200,
        );
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('background mergeability', () => {
  it('a new PR reports mergeable null / unknown, then the computed answer; a moved head resets it', async () => {
    const t = await forge({ forkMs: 0, mergeabilityMs: 4000 });
    const alice = octokit(t.forge, await t.forge.userToken('alice'));
    const main = await alice.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' });
    await alice.rest.git.createRef({
      owner: 'acme',
      repo: 'api',
      ref: 'refs/heads/topic',
      sha: main.data.object.sha,
    });
    await alice.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'api',
      path: 'topic.txt',
      message: 'topic',
      content: Buffer.from('t\n').toString('base64'),
      branch: 'topic',
    });
    const pr = await alice.rest.pulls.create({
      owner: 'acme',
      repo: 'api',
      title: 'T',
      head: 'topic',
      base: 'main',
    });
    expect([pr.data.mergeable, pr.data.rebaseable, pr.data.mergeable_state]).toEqual([null, null, 'unknown']);
    const again = await alice.rest.pulls.get({ owner: 'acme', repo: 'api', pull_number: pr.data.number });
    expect(again.data.mergeable_state).toBe('unknown');
    const computed = await computedPull(alice, 'acme', 'api', pr.data.number);
    expect([computed.mergeable, computed.mergeable_state]).toEqual([true, 'clean']);
    // A new head commit: unknown again until recomputed.
    await alice.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'api',
      path: 'topic2.txt',
      message: 'topic 2',
      content: Buffer.from('t\n').toString('base64'),
      branch: 'topic',
    });
    const moved = await alice.rest.pulls.get({ owner: 'acme', repo: 'api', pull_number: pr.data.number });
    expect(moved.data.mergeable_state).toBe('unknown');
  });
});
