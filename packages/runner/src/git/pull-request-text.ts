import type { SkippedSubmodule } from './clone-workspace.ts';

export interface SessionInfo {
  slug: string;
  shortId: string;
  summary: string;
}

export interface BumpedSubmodule {
  path: string;
  repo: string;
  sha: string;
  /** `fork-owner:branch`, or the base branch for a direct push. */
  head: string;
}

/** Commit subject and PR title: one line naming the workspace and what the session did. */
export function changeTitle(session: SessionInfo): string {
  const first = session.summary
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
  const title = `[rfe/${session.slug}] ${first ?? `session ${session.shortId}`}`;
  return title.length > 100 ? `${title.slice(0, 97)}...` : title;
}

export function submoduleBody(session: SessionInfo, umbrellaRepo: string, path: string): string {
  return [
    session.summary.trim(),
    '',
    `Part of RFE Workbench session ${session.shortId} on workspace \`${session.slug}\`.`,
    `The umbrella pull request on ${umbrellaRepo} moves \`${path}\` to this change.`,
  ].join('\n');
}

export function umbrellaCommitBody(session: SessionInfo, bumped: readonly BumpedSubmodule[]): string {
  const lines = [`RFE Workbench session ${session.shortId} on workspace ${session.slug}.`];
  if (bumped.length > 0)
    lines.push('', ...bumped.map((b) => `Bumps ${b.path} to ${b.sha.slice(0, 12)} (${b.head}).`));
  return lines.join('\n');
}

/** The umbrella PR body: what changed, which submodules moved, and a checklist for the ones skipped. */
export function umbrellaBody(
  session: SessionInfo,
  bumped: readonly BumpedSubmodule[],
  skipped: readonly SkippedSubmodule[],
): string {
  const lines = [
    session.summary.trim(),
    '',
    `RFE Workbench session ${session.shortId} on workspace \`${session.slug}\`.`,
  ];
  if (bumped.length > 0) {
    lines.push('', '## Submodules changed', '');
    for (const b of bumped) lines.push(`- \`${b.path}\` (${b.repo}) → ${b.head} at ${b.sha.slice(0, 12)}`);
  }
  if (skipped.length > 0) {
    lines.push(
      '',
      '## Skipped submodules',
      '',
      'The session could not clone these, so it made no changes in them:',
      '',
    );
    for (const s of skipped) {
      lines.push(
        `- [ ] \`${s.path}\` (${s.repo}): ${s.reason}. Ask for read access to ${s.repo} and for the GitHub App to be installed on it, then run the session again.`,
      );
    }
  }
  return lines.join('\n');
}
