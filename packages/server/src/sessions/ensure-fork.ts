import type { Octokit } from '@octokit/rest';
import { AppError, ForbiddenError, UnprocessableError } from '../errors.ts';
import { httpStatus, orNullOn404 } from '../github/github-errors.ts';
import type { RepoRef } from '../github/repo-ref.ts';

export interface ForkInfo {
  owner: string;
  repo: string;
  fullName: string;
  cloneUrl: string;
}

/**
 * The user's fork of `upstream`: checked when named (it must exist, be a fork of upstream and belong to the
 * user), or created when missing. Forking is asynchronous on GitHub, so creation waits until it answers.
 */
export async function ensureFork(
  octokit: Octokit,
  upstream: RepoRef,
  login: string,
  named?: string,
): Promise<ForkInfo> {
  const upstreamName = `${upstream.owner}/${upstream.repo}`;
  if (named) {
    const [owner, repo] = named.split('/') as [string, string];
    if (owner.toLowerCase() !== login.toLowerCase()) {
      throw new ForbiddenError(
        `fork: ${named} does not belong to your GitHub account ${login}; choose one of your forks.`,
        { field: 'fork' },
      );
    }
    const found = await orNullOn404(octokit.rest.repos.get({ owner, repo }));
    if (!found)
      throw new UnprocessableError(
        'fork_not_found',
        `fork: ${named} does not exist; create it or pick another.`,
        { field: 'fork' },
      );
    if (!found.data.fork || found.data.parent?.full_name?.toLowerCase() !== upstreamName.toLowerCase()) {
      throw new UnprocessableError('not_a_fork', `fork: ${named} is not a fork of ${upstreamName}.`, {
        field: 'fork',
      });
    }
    return { owner, repo, fullName: found.data.full_name, cloneUrl: found.data.clone_url };
  }
  const existing = await orNullOn404(octokit.rest.repos.get({ owner: login, repo: upstream.repo }));
  if (existing?.data.fork && existing.data.parent?.full_name?.toLowerCase() === upstreamName.toLowerCase()) {
    // It may have been created a moment ago (by another session) and still be empty.
    await waitUntilPopulated(octokit, { owner: login, repo: upstream.repo }, existing.data.default_branch);
    return {
      owner: login,
      repo: upstream.repo,
      fullName: existing.data.full_name,
      cloneUrl: existing.data.clone_url,
    };
  }
  let created: Awaited<ReturnType<Octokit['rest']['repos']['createFork']>>;
  try {
    // Only the default branch: refs are paths, so a fork holding rfe/{slug} could not take rfe/{slug}/session-….
    created = await octokit.rest.repos.createFork({ ...upstream, default_branch_only: true });
  } catch (err) {
    if (httpStatus(err) === 403 || httpStatus(err) === 404) {
      throw new AppError(
        403,
        'fork_refused',
        `Your GitHub account cannot fork ${upstreamName}; ask its owners to allow forking or grant you access.`,
      );
    }
    throw err;
  }
  const fork = { owner: created.data.owner.login, repo: created.data.name };
  await waitUntilPopulated(octokit, fork, created.data.default_branch);
  return { ...fork, fullName: created.data.full_name, cloneUrl: created.data.clone_url };
}

/** How long a fork may take to be populated before the session start gives up. */
export const FORK_READY_TIMEOUT_MS = 60_000;

/**
 * GitHub answers a fork request with 202 and copies the repository afterwards: until then the fork exists
 * but is empty (its branches 404, git reads 409 "Git Repository is empty."). Waits, with backoff, until
 * its default branch answers; a fork that never fills is a clear 503, not a runner failing to push.
 */
export async function waitUntilPopulated(
  octokit: Octokit,
  fork: RepoRef,
  branch: string,
  timeoutMs = FORK_READY_TIMEOUT_MS,
): Promise<void> {
  const started = Date.now();
  for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
    try {
      await octokit.rest.repos.getBranch({ ...fork, branch });
      return;
    } catch (err) {
      const status = httpStatus(err);
      if (status !== 404 && status !== 409) throw err;
    }
    if (Date.now() - started + delay > timeoutMs) {
      throw new AppError(
        503,
        'fork_not_ready',
        `Your fork ${fork.owner}/${fork.repo} was created but GitHub has not finished copying it; start the session again in a minute.`,
        { fork: `${fork.owner}/${fork.repo}` },
      );
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}
