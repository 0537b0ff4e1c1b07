import type { AppContext } from '../context.ts';
import { findGithubLink } from '../db/github-links.ts';
import type { User } from '../db/users.ts';
import { userOctokit } from '../github/user-octokit.ts';
import type { Session } from '../routes/sessions/schema.ts';

/**
 * A session's pull requests as the Git host has them now — title, state, additions, deletions, changed
 * files — read as the viewer (through the client layer's ETag cache), so each person sees what their own
 * account may read. Without a GitHub link, or when the host does not answer, the stored links are shown
 * as they are: details are a courtesy, never a reason to fail the page.
 */
export async function withPullRequestDetails(
  ctx: AppContext,
  viewer: User,
  session: Session,
): Promise<Session> {
  if (!ctx.github || session.pullRequests.length === 0) return session;
  if (!(await findGithubLink(ctx.db, viewer.id))) return session;
  let octokit: Awaited<ReturnType<typeof userOctokit>>;
  try {
    octokit = await userOctokit(ctx, viewer);
  } catch {
    return session;
  }
  const pullRequests = await Promise.all(
    session.pullRequests.map(async (pr) => {
      const [owner, repo] = pr.repo.split('/') as [string, string];
      try {
        const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pr.number });
        return {
          ...pr,
          status: data.merged
            ? ('merged' as const)
            : data.state === 'closed'
              ? ('closed' as const)
              : ('open' as const),
          title: data.title,
          additions: data.additions,
          deletions: data.deletions,
          changedFiles: data.changed_files,
        };
      } catch {
        return pr;
      }
    }),
  );
  return { ...session, pullRequests };
}
