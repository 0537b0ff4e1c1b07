import type { Principal } from '../auth/principal.ts';
import { ForgeError, notAccessibleByIntegration, notFound, requiresAuthentication } from '../http/errors.ts';
import type { ForgeState, RepoRecord } from '../state/model.ts';
import { findAccount, installationCovering, installationCovers } from '../state/queries.ts';
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

function grants(permissions: Record<string, string>, need: Need): boolean {
  if (need.perm === 'metadata' && need.level === 'read') return true;
  const level = permissions[need.perm];
  return level === 'write' || (level === 'read' && need.level === 'read');
}

/** What a user's own role allows (personal access tokens, and the user half of a user access token). */
function assertUserRole(role: RepoPermission | null, need: Need): void {
  if (!role) throw notFound();
  const min = minimumRole(need);
  if (atLeast(role, min)) return;
  if (min === 'admin') throw new ForgeError(403, 'Must have admin rights to Repository.');
  throw notFound();
}

/**
 * GitHub: "a user access token can only access resources that both the user and app can access", with the
 * permissions both have. Inside an installation of the App: the installation's permissions ∩ the user's role.
 * Outside every installation: public repositories stay readable, private ones are hidden (404), and any
 * write is refused with 403 "Resource not accessible by integration".
 */
function assertUserToServer(
  state: Readonly<ForgeState>,
  role: RepoPermission | null,
  repo: RepoRecord,
  need: Need,
): void {
  const inst = installationCovering(state, repo);
  if (!inst) {
    if (repo.private || !role) throw notFound();
    if (need.level === 'read' && need.perm !== 'administration') return;
    throw notAccessibleByIntegration();
  }
  if (!role) throw notFound();
  if (!grants(inst.permissions, need)) throw notAccessibleByIntegration();
  assertUserRole(role, need);
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
      if (p.via === 'oauth') assertUserToServer(state, role, repo, need);
      else assertUserRole(role, need);
      return;
    }
    case 'installation': {
      if (tokenInScope(state, p, repo)) {
        if (grants(p.permissions, need)) return;
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

/** The `permissions` flags of a role (collaborator permission answers, personal access tokens). */
export function permissionFlags(role: RepoPermission | null) {
  return {
    admin: atLeast(role, 'admin'),
    maintain: atLeast(role, 'maintain'),
    push: atLeast(role, 'write'),
    triage: atLeast(role, 'triage'),
    pull: atLeast(role, 'read'),
  };
}

/**
 * The `permissions` object on repositories for a user caller: what this credential can do there. Personal
 * access tokens act with the user's role. A user access token "only has permissions that both the user and
 * the app have" (GitHub), so its flags follow the same checks as its requests: the installation's
 * permissions ∩ the role, and outside every installation only `pull` on a public repository.
 */
export function viewerPermissions(
  state: Readonly<ForgeState>,
  p: Principal & { kind: 'user' },
  repo: RepoRecord,
) {
  const role = userRole(state, p.login, repo);
  if (p.via === 'pat') return permissionFlags(role);
  const can = (need: Need) => canAccess(state, p, repo, need);
  const push = can(WRITE_CONTENTS);
  return {
    admin: can(ADMINISTER),
    maintain: atLeast(role, 'maintain') && push,
    push,
    triage: atLeast(role, 'triage') && can(WRITE_PULLS),
    pull: can(READ_CONTENTS),
  };
}

/** Whether a push by `p` to `repo` may touch `.github/workflows/` (user access tokens: the installation's). */
export function mayWriteWorkflows(state: Readonly<ForgeState>, p: Principal, repo: RepoRecord): boolean {
  if (p.kind === 'installation') return p.permissions.workflows === 'write';
  if (p.kind === 'user' && p.via === 'oauth')
    return installationCovering(state, repo)?.permissions.workflows === 'write';
  return true;
}
