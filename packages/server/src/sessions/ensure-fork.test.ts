import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StartedForge, startForge } from '@rfe/forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubClient } from '../github/github-client.ts';
import { ensureFork, waitUntilPopulated } from './ensure-fork.ts';

/** Fork readiness against the forge with GitHub's asynchronous forks on (the fork is empty after the 202). */
describe('ensureFork with asynchronous forks', () => {
  let forge: StartedForge;
  let dir: string;
  const client = () => new GitHubClient({ apiUrl: forge.apiUrl, writeGapMs: 0 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ensure-fork-'));
    forge = await startForge({ dataDir: dir, delays: { forkMs: 1500 } });
  });
  afterAll(async () => {
    await forge?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the fork and returns only once its default branch and contents answer', async () => {
    const octokit = client().octokit({ token: await forge.userToken('alice'), scope: 'alice', kind: 'user' });
    const fork = await ensureFork(octokit, { owner: 'acme', repo: 'api' }, 'alice');
    expect(fork.fullName).toBe('alice/api');
    const readme = await octokit.rest.repos.getContent({ owner: 'alice', repo: 'api', path: 'README.md' });
    expect(readme.status).toBe(200);
  });

  it('an existing fork that is still empty is waited for, not handed to the runner', async () => {
    const octokit = client().octokit({ token: await forge.userToken('bob'), scope: 'bob', kind: 'user' });
    await octokit.rest.repos.createFork({ owner: 'acme', repo: 'api', default_branch_only: true });
    const empty = await octokit.rest.repos
      .getContent({ owner: 'bob', repo: 'api', path: 'README.md' })
      .catch((e) => e);
    expect(empty.status).toBe(409);
    const fork = await ensureFork(octokit, { owner: 'acme', repo: 'api' }, 'bob');
    expect(fork.fullName).toBe('bob/api');
    expect((await octokit.rest.repos.getBranch({ owner: 'bob', repo: 'api', branch: 'main' })).status).toBe(
      200,
    );
  });

  it('a fork that does not fill in time is a clear 503 naming it', async () => {
    const octokit = client().octokit({ token: await forge.userToken('carol'), scope: 'carol', kind: 'user' });
    await octokit.rest.repos.createFork({ owner: 'acme', repo: 'api' });
    await expect(
      waitUntilPopulated(octokit, { owner: 'carol', repo: 'api' }, 'main', 100),
    ).rejects.toMatchObject({
      status: 503,
      code: 'fork_not_ready',
      message: expect.stringContaining('carol/api'),
    });
  });
});
