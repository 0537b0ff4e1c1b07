import { join } from 'node:path';
import { RunError } from '../errors.ts';
import type { PushTarget } from '../settings.ts';
import type { Reporter } from '../shell/reporter.ts';
import type { ClonedSubmodule, Workspace } from './clone-workspace.ts';
import type { ChangedRepositories } from './detect-changes.ts';
import { type Git, GitError } from './git.ts';
import {
  type BumpedSubmodule,
  changeTitle,
  type SessionInfo,
  submoduleBody,
  umbrellaBody,
  umbrellaCommitBody,
} from './pull-request-text.ts';
import { pushFailure } from './push-errors.ts';

export interface PublishRequest {
  workspace: Workspace;
  changes: ChangedRepositories;
  /** The session branch, `rfe/{slug}/session-{shortId}`. */
  branch: string;
  targets: ReadonlyMap<string, PushTarget>;
  session: SessionInfo;
}

export interface PublishedRepository {
  repo: string;
  /** Path in the umbrella; '' for the umbrella itself. */
  path: string;
  sha: string;
  /** The PR head (`fork-owner:branch`), or the base branch for a direct push. */
  head: string;
  direct: boolean;
}

/**
 * Commits and pushes every changed repository, submodules first, then the umbrella (whose commit moves
 * the submodule pointers to the commits just pushed), and asks for one PR per repository with `pr_intent`
 * (a direct push to the base branch instead, when chosen).
 */
export async function publishChanges(
  git: Git,
  request: PublishRequest,
  report: Reporter,
): Promise<PublishedRepository[]> {
  const { workspace, changes, session } = request;
  const targetOf = (repo: string) => request.targets.get(repo)!;
  checkTargets(request);
  const published: PublishedRepository[] = [];
  const title = changeTitle(session);

  for (const submodule of changes.submodules) {
    const dir = join(workspace.root, submodule.path);
    const target = targetOf(submodule.repo);
    const sha = await commitRepository(
      git,
      dir,
      submodule.repo,
      request.branch,
      title,
      `Session ${session.shortId}.`,
      report,
    );
    const result = await pushRepository(git, dir, submodule.repo, sha, request.branch, target, report);
    published.push({ ...result, path: submodule.path });
    if (!result.direct) {
      report.send('pr_intent', {
        repo: submodule.repo,
        head: result.head,
        base: target.base,
        title,
        body: submoduleBody(session, workspace.repo, submodule.path),
      });
    }
  }

  if (changes.umbrella) {
    const bumped: BumpedSubmodule[] = published.map((p) => ({
      path: p.path,
      repo: p.repo,
      sha: p.sha,
      head: p.head,
    }));
    const target = targetOf(workspace.repo);
    const body = umbrellaCommitBody(session, bumped);
    const sha = await commitRepository(
      git,
      workspace.root,
      workspace.repo,
      request.branch,
      title,
      body,
      report,
    );
    const result = await pushRepository(
      git,
      workspace.root,
      workspace.repo,
      sha,
      request.branch,
      target,
      report,
    );
    published.push({ ...result, path: '' });
    if (!result.direct) {
      report.send('pr_intent', {
        repo: workspace.repo,
        head: result.head,
        base: target.base,
        title,
        body: umbrellaBody(session, bumped, workspace.skipped),
      });
    }
  }
  return published;
}

/** Every repository about to be pushed needs a push target; check them all before pushing any. */
function checkTargets(request: PublishRequest): void {
  const repos = [
    ...request.changes.submodules.map((s: ClonedSubmodule) => s.repo),
    ...(request.changes.umbrella ? [request.workspace.repo] : []),
  ];
  const missing = repos.filter((repo) => !request.targets.has(repo));
  if (missing.length > 0) {
    throw new RunError(
      'output_missing',
      `The session changed ${missing.join(', ')} but RFE_OUTPUT has no push target for ${missing.length > 1 ? 'them' : 'it'}. ` +
        'Start the session with a fork chosen for every repository it may change.',
    );
  }
}

async function commitRepository(
  git: Git,
  dir: string,
  repo: string,
  branch: string,
  subject: string,
  body: string,
  report: Reporter,
): Promise<string> {
  const from = await git.output(dir, ['rev-parse', 'HEAD']);
  // Committed on a detached HEAD and pushed as HEAD:refs/heads/<branch>: a local branch named
  // rfe/{slug}/session-… cannot exist next to the checked-out rfe/{slug} (git refs are paths).
  await git.run(dir, ['checkout', '--detach']);
  report.gitEvent('checkout', repo, branch, `session branch from ${from.slice(0, 12)}`);
  await git.run(dir, ['add', '-A']);
  const staged = await git.run(dir, ['diff', '--cached', '--quiet'], { allowFailure: true });
  if (staged.code === 1) {
    try {
      await git.run(dir, ['commit', '--no-verify', '-m', subject, '-m', body]);
    } catch (error) {
      throw new RunError(
        'commit_failed',
        `Committing in ${repo} failed: ${(error as GitError).reason ?? error}`,
      );
    }
  }
  const sha = await git.output(dir, ['rev-parse', 'HEAD']);
  if (staged.code === 1) report.gitEvent('commit', repo, branch, `${sha.slice(0, 12)} ${subject}`);
  return sha;
}

async function pushRepository(
  git: Git,
  dir: string,
  repo: string,
  sha: string,
  branch: string,
  target: PushTarget,
  report: Reporter,
): Promise<Omit<PublishedRepository, 'path'>> {
  const pushed = target.directPush ? target.base : branch;
  const destination = target.directPush ? repo : target.forkFullName!;
  try {
    await git.run(dir, ['push', target.pushUrl, `HEAD:refs/heads/${pushed}`], { urls: [target.pushUrl] });
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw pushFailure(error, { repo, target: destination, branch: pushed, direct: target.directPush });
  }
  const how = target.directPush ? 'directly to the upstream' : 'to the fork';
  report.gitEvent('push', repo, pushed, `${sha.slice(0, 12)} pushed ${how} ${destination}`);
  const owner = destination.split('/')[0];
  return { repo, sha, head: target.directPush ? pushed : `${owner}:${branch}`, direct: target.directPush };
}
