import type { Db } from '../db/database.ts';
import type { RepoSubmodulesTable, WorkspacesTable } from '../db/schema.ts';

export async function findWorkspace(
  db: Db,
  projectId: string,
  slug: string,
): Promise<WorkspacesTable | undefined> {
  return db
    .selectFrom('workspaces')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export async function listWorkspaces(db: Db, projectId: string): Promise<WorkspacesTable[]> {
  return db
    .selectFrom('workspaces')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('slug')
    .execute();
}

export async function listSubmodules(db: Db, workspaceId: string): Promise<RepoSubmodulesTable[]> {
  return db
    .selectFrom('repo_submodules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('path')
    .execute();
}

/** Workspaces whose upstream is this repository (webhooks arrive per repository). */
export async function workspacesOnUpstream(db: Db, owner: string, repo: string): Promise<WorkspacesTable[]> {
  return db
    .selectFrom('workspaces')
    .selectAll()
    .where('upstream_owner', '=', owner)
    .where('upstream_repo', '=', repo)
    .execute();
}
