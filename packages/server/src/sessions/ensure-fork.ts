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
  for (let i = 0; i < 20; i++) {
    if (await orNullOn404(octokit.rest.repos.get(fork))) break;
    await new Promise((r) => setTimeout(r, 250 * (i + 1)));
  }
  return { ...fork, fullName: created.data.full_name, cloneUrl: created.data.clone_url };
}
