import type { Principal } from '../auth/principal.ts';
import { ForgeError, notAccessibleByIntegration, notFound, requiresAuthentication } from '../http/errors.ts';
import type { ForgeState, RepoRecord } from '../state/model.ts';
import { findAccount, installationCovers } from '../state/queries.ts';
import type { RepoPermission } from '../types.ts';

/** Who may do what on a repository: one place for users, installation tokens, the App and anonymous callers. */

export type AppPermission = 'metadata' | 'contents' | 'pull_requests' | 'administration' | 'workflows';
export interface Need {
  perm: AppPermission;
  level: 'read' | 'write';
}

export const READ_METADATA: Need = { perm: 'metadata', level: 'read' };
export const READ_CONTENTS: Need = { perm: 'contents', level: 'read' };
export const WRITE_CONTENTS: Need = { perm: 'contents', level: 'write' };
export const READ_PULLS: Need = { perm: 'pull_requests', level: 'read' };
export const WRITE_PULLS: Need = { perm: 'pull_requests', level: 'write' };
export const ADMINISTER: Need = { perm: 'administration', level: 'write' };

const RANK: Record<RepoPermission, number> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/** A user's role on a repository, or null for no access. Explicit collaborator entries override org roles. */
export function userRole(
  state: Readonly<ForgeState>,
  login: string,
  repo: RepoRecord,
): RepoPermission | null {
  const l = login.toLowerCase();
  if (repo.owner.toLowerCase() === l) return 'admin';
  const explicit = repo.collaborators[l];
  if (explicit === 'none') return null;
  if (explicit) return explicit;
  const owner = findAccount(state, repo.owner);
  const orgRole = owner?.type === 'Organization' ? owner.members?.[l] : undefined;
  if (orgRole) return orgRole;
  return repo.private ? null : 'read';
}

export const atLeast = (role: RepoPermission | null, min: RepoPermission): boolean =>
  role !== null && RANK[role] >= RANK[min];

/** Users: the role each App-style permission level maps to. Opening PRs only needs read access. */
function minimumRole(need: Need): RepoPermission {
  if (need.level === 'read' || need.perm === 'pull_requests') return 'read';
  if (need.perm === 'administration') return 'admin';
  return 'write';
}

export function tokenInScope(
  state: Readonly<ForgeState>,
  p: Principal & { kind: 'installation' },
  repo: RepoRecord,
) {
  const inst = state.installations[String(p.installationId)];
  if (!inst || !installationCovers(inst, repo)) return false;
  return p.repositoryIds === null || p.repositoryIds.includes(repo.id);
}

function tokenGrants(p: Principal & { kind: 'installation' }, need: Need): boolean {
  if (need.perm === 'metadata' && need.level === 'read') return true;
  const level = p.permissions[need.perm];
  return level === 'write' || (level === 'read' && need.level === 'read');
}

/**
 * Throws the error GitHub would answer when `p` lacks `need` on `repo`: 404 when the caller may not know
 * the repository exists, 403 "Resource not accessible by integration" for integrations, 401 for anonymous writes.
 */
export function assertRepoAccess(
  state: Readonly<ForgeState>,
  p: Principal,
  repo: RepoRecord,
  need: Need,
): void {
  switch (p.kind) {
    case 'anonymous':
      if (repo.private) throw notFound();
      if (need.level === 'write' || need.perm === 'administration') throw requiresAuthentication();
      return;
    case 'user': {
      const role = userRole(state, p.login, repo);
      if (!role) throw notFound();
      const min = minimumRole(need);
      if (atLeast(role, min)) return;
      if (min === 'admin') throw new ForgeError(403, 'Must have admin rights to Repository.');
      throw notFound();
    }
    case 'installation': {
      if (tokenInScope(state, p, repo)) {
        if (tokenGrants(p, need)) return;
        throw notAccessibleByIntegration();
      }
      if (need.level === 'read') {
        if (repo.private) throw notFound();
        return;
      }
      throw notAccessibleByIntegration();
    }
    case 'app':
      throw notAccessibleByIntegration();
  }
}

export function canAccess(state: Readonly<ForgeState>, p: Principal, repo: RepoRecord, need: Need): boolean {
  try {
    assertRepoAccess(state, p, repo, need);
    return true;
  } catch {
    return false;
  }
}

/** The `permissions` object GitHub includes on repositories for user callers. */
export function permissionFlags(role: RepoPermission | null) {
  return {
    admin: atLeast(role, 'admin'),
    maintain: atLeast(role, 'maintain'),
    push: atLeast(role, 'write'),
    triage: atLeast(role, 'triage'),
    pull: atLeast(role, 'read'),
  };
}

/** Whether a push by `p` may touch `.github/workflows/`. */
export function mayWriteWorkflows(state: Readonly<ForgeState>, p: Principal): boolean {
  if (p.kind === 'installation') return p.permissions.workflows === 'write';
  if (p.kind === 'user' && p.via === 'oauth') return state.app?.permissions.workflows === 'write';
  return true;
}
