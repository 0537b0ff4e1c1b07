import type { PrLinksTable, SessionsTable } from '../db/schema.ts';
import type { Session } from '../routes/sessions/schema.ts';
import { sessionTitle } from '../sessions/session-title.ts';

export function presentSession(
  s: SessionsTable,
  workspaceSlug: string,
  userSubject: string,
  prs: PrLinksTable[],
): Session {
  const pullRequests = prs
    .filter((p) => p.session_id === s.id)
    .sort(
      (a, b) =>
        Number(a.role === 'submodule') - Number(b.role === 'submodule') || a.repo.localeCompare(b.repo),
    )
    .map((p) => ({
      repo: p.repo,
      number: p.number,
      url: p.url,
      head: p.head,
      base: p.base,
      status: p.status,
      role: p.role,
    }));
  return {
    id: s.id,
    workspace: workspaceSlug,
    user: userSubject,
    kind: s.kind,
    adapter: s.adapter,
    title: sessionTitle(s.title, s.prompt),
    prompt: s.prompt,
    input: { repo: s.input_repo, branch: s.input_branch },
    output: { repo: s.output_repo, branch: s.output_branch },
    directPush: s.direct_push === 1,
    status: s.status,
    flags: JSON.parse(s.flags),
    skippedSubmodules: JSON.parse(s.skipped_submodules ?? '[]'),
    error: s.error,
    remediation: s.remediation,
    errorCode: s.error_code ?? null,
    pullRequests,
    combinedPrStatus: combined(pullRequests.map((p) => p.status)),
    createdAt: s.created_at,
    startedAt: s.started_at,
    finishedAt: s.finished_at,
  };
}

/** One state for a session's group of PRs: merged only when every repository's PR is merged. */
function combined(states: string[]): Session['combinedPrStatus'] {
  if (!states.length) return 'none';
  if (states.every((s) => s === 'merged')) return 'merged';
  if (states.some((s) => s === 'merged')) return 'partially-merged';
  if (states.every((s) => s === 'closed')) return 'closed';
  return 'open';
}
