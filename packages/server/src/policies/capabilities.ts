/**
 * The capability table of SPEC §7. Every route declares exactly one `RouteAccess`; this file alone answers
 * "who may do this".
 */
export type Role = 'view' | 'edit' | 'admin';

export const projectCapabilities = {
  'project.view': 'view',
  'session.start': 'edit',
  'session.cancel.own': 'edit',
  'session.input': 'edit',
  'specify.run': 'edit',
  'workspace.sync': 'edit',
  'session.cancel.any': 'admin',
  'workspace.manage': 'admin',
  'storage.manage': 'admin',
  'model.manage': 'admin',
  'members.manage': 'admin',
  'audit.read': 'admin',
} as const satisfies Record<string, Role>;

export type ProjectCapability = keyof typeof projectCapabilities;

/** Access that is not about one project. */
export type GlobalAccess =
  | 'public' // anyone, no identity (health, metrics, OpenAPI, login page)
  | 'signed-in' // any authenticated user (own profile, project list filtered to memberships, GitHub link)
  | 'runner' // a session-scoped runner token, valid for that session only
  | 'model-key' // a session's model key (x-api-key), valid for that session's model gateway only
  | 'webhook'; // HMAC-signed GitHub webhook delivery

export type RouteAccess = GlobalAccess | ProjectCapability;

const rank: Record<Role, number> = { view: 1, edit: 2, admin: 3 };

export function roleGrants(role: Role | null, capability: ProjectCapability): boolean {
  return role !== null && rank[role] >= rank[projectCapabilities[capability]];
}

export function capabilitiesOf(role: Role | null): ProjectCapability[] {
  return (Object.keys(projectCapabilities) as ProjectCapability[]).filter((c) => roleGrants(role, c));
}

/** The strongest of several roles (a user may be a member directly and through groups). */
export function strongestRole(roles: Role[]): Role | null {
  return roles.reduce<Role | null>((best, r) => (best === null || rank[r] > rank[best] ? r : best), null);
}

export function isProjectCapability(access: RouteAccess): access is ProjectCapability {
  return access in projectCapabilities;
}
