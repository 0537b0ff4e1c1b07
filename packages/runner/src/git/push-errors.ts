import { RunError } from '../errors.ts';
import type { GitError } from './git.ts';

export interface PushDestination {
  /** Upstream `owner/name` the change belongs to. */
  repo: string;
  /** Where the push went: the fork's `owner/name`, or the upstream for a direct push. */
  target: string;
  branch: string;
  direct: boolean;
}

/** Turns git's refusal into an error that says what happened and what to do about it. */
export function pushFailure(error: GitError, to: PushDestination): RunError {
  const stderr = error.result.stderr;
  const owner = to.target.split('/')[0];
  const where = to.direct ? `${to.target} (direct push to ${to.branch})` : `the fork ${to.target}`;
  if (/workflow/i.test(stderr) && /(permission|scope|refusing)/i.test(stderr)) {
    return new RunError(
      'push_denied',
      `${where} rejected the push because it changes .github/workflows/: ${error.reason}. ` +
        'Grant the GitHub App the "workflows" permission, or leave workflow files unchanged.',
    );
  }
  const clash = /cannot lock ref '([^']+)': '([^']+)' exists/.exec(stderr);
  if (clash) {
    return new RunError(
      'push_rejected',
      `${where} refused ${to.branch}: the branch ${clash[2].replace('refs/heads/', '')} exists there, and Git cannot hold a branch ` +
        'and another branch below it (refs are paths). Delete that branch on the fork, or use an output branch name outside it.',
    );
  }
  if (/non-fast-forward|\[rejected\]|fetch first|failed to update ref|stale info/i.test(stderr)) {
    const remedy = to.direct
      ? `${to.branch} moved on upstream since the session cloned it; start a new session, or use the PR flow instead of a direct push.`
      : `the branch ${to.branch} already exists on ${to.target} with other commits (an earlier run of this session?); delete it on the fork and retry.`;
    return new RunError('push_rejected', `${where} rejected the push (not a fast-forward): ${remedy}`);
  }
  if (/(not found|does not exist|404)/i.test(stderr) && !/(403|denied|permission)/i.test(stderr)) {
    return new RunError(
      'push_target_missing',
      `${where} was not found: ${error.reason}. Create the fork (or let the workbench create it) and start the session again.`,
    );
  }
  if (
    /(403|401|denied|permission|not accessible|authentication failed|could not read username|unauthori[sz]ed|forbidden)/i.test(
      stderr,
    )
  ) {
    const remedy = to.direct
      ? `Check that you still have write access to ${to.target}, or push through your fork instead.`
      : `Check that the GitHub App is installed on ${owner}'s account with contents:write and that it covers ${to.target}.`;
    return new RunError('push_denied', `${where} rejected the push: ${error.reason}. ${remedy}`);
  }
  return new RunError('push_failed', `Pushing to ${where} failed: ${error.reason}`);
}
