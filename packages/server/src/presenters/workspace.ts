import type { RepoSubmodulesTable, WorkspacesTable } from '../db/schema.ts';
import type { Workspace } from '../routes/workspaces/schema.ts';

export function presentWorkspace(
  ws: WorkspacesTable,
  submodules: RepoSubmodulesTable[],
  webUrl: string,
): Workspace {
  return {
    id: ws.id,
    slug: ws.slug,
    name: ws.name,
    upstream: {
      host: ws.upstream_host,
      owner: ws.upstream_owner,
      repo: ws.upstream_repo,
      url: `${webUrl}/${ws.upstream_owner}/${ws.upstream_repo}`,
    },
    canonicalBranch: ws.canonical_branch,
    feature: ws.feature_slug,
    storagePrefix: ws.storage_prefix,
    submodules: submodules.map((m) => ({
      path: m.path,
      repo: m.owner ? `${m.owner}/${m.repo}` : '',
      url: m.url,
      branch: m.branch,
      required: m.required === 1,
      lastResolvedSha: m.last_resolved_sha,
    })),
    createdBy: ws.created_by,
    createdAt: ws.created_at,
  };
}
