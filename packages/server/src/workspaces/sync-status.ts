import type { Octokit } from '@octokit/rest';
import type { Db } from '../db/database.ts';
import type { WorkspacesTable } from '../db/schema.ts';
import { orNullOn404 } from '../github/github-errors.ts';
import type { WorkspaceStatus } from '../routes/workspaces/schema.ts';

export type UpstreamStatus = Omit<WorkspaceStatus, 'sessions'>;
export type SyncSource = 'create' | 'webhook' | 'periodic' | 'manual';

/** Reads the canonical branch's state from the Git host and stores it as the workspace's status. */
export async function syncWorkspaceStatus(
  db: Db,
  octokit: Octokit,
  ws: WorkspacesTable,
  source: SyncSource,
): Promise<UpstreamStatus> {
  const repo = { owner: ws.upstream_owner, repo: ws.upstream_repo };
  const info = await octokit.rest.repos.get(repo);
  const defaultBranch = info.data.default_branch;
  const warnings: UpstreamStatus['warnings'] = [];
  if (info.data.allow_merge_commit === false) {
    warnings.push({
      code: 'merge_commits_disabled',
      message: `${repo.owner}/${repo.repo} does not allow merge commits; pull requests into ${ws.canonical_branch} must be merged with merge commits. Enable "Allow merge commits" in the repository settings.`,
    });
  }
  const branch = await orNullOn404(octokit.rest.repos.getBranch({ ...repo, branch: ws.canonical_branch }));
  let aheadBy = 0;
  let behindBy = 0;
  let lastCommit: UpstreamStatus['lastCommit'] = null;
  if (branch) {
    const c = branch.data.commit.commit;
    lastCommit = {
      sha: branch.data.commit.sha,
      message: c.message.split('\n')[0] ?? '',
      author: c.author?.name ?? '',
      date: c.committer?.date ?? c.author?.date ?? '',
    };
    const cmp = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${defaultBranch}...${ws.canonical_branch}`,
    });
    aheadBy = cmp.data.ahead_by;
    behindBy = cmp.data.behind_by;
  } else {
    warnings.push({
      code: 'canonical_missing',
      message: `Branch ${ws.canonical_branch} no longer exists on ${repo.owner}/${repo.repo}.`,
    });
  }
  const pulls = await octokit.rest.pulls.list({
    ...repo,
    base: ws.canonical_branch,
    state: 'open',
    per_page: 100,
  });
  const status: UpstreamStatus = {
    canonicalBranch: ws.canonical_branch,
    defaultBranch,
    head: branch?.data.commit.sha ?? null,
    exists: Boolean(branch),
    aheadBy,
    behindBy,
    lastCommit,
    lastActivityAt: lastCommit?.date || null,
    lastSyncAt: new Date().toISOString(),
    syncSource: source,
    openPullRequests: pulls.data.map((p) => ({
      number: p.number,
      title: p.title,
      url: p.html_url,
      head: p.head.label,
      state: p.state,
    })),
    warnings,
  };
  const json = JSON.stringify(status);
  await db
    .insertInto('workspace_status')
    .values({ workspace_id: ws.id, status: json, synced_at: status.lastSyncAt })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ status: json, synced_at: status.lastSyncAt }))
    .execute();
  return status;
}

export async function storedStatus(db: Db, workspaceId: string): Promise<UpstreamStatus | null> {
  const row = await db
    .selectFrom('workspace_status')
    .select('status')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.status) as UpstreamStatus) : null;
}
