import type { ProjectCapability, Role } from './capabilities.ts';

/**
 * SPEC §7 in Kubernetes terms (RBAC_MODE=kubernetes): each capability is one verb on one resource of the
 * platform's API group in the project's namespace. The ClusterRoles in deploy/manifests/rbac/project-roles.yaml
 * grant exactly these, and a test holds the two together.
 */
export const clusterApiGroup = 'workbench.ambient-code.io';

export const clusterClusterRoles: Record<Role, string> = {
  view: 'ambient-project-view',
  edit: 'ambient-project-edit',
  admin: 'ambient-project-admin',
};

export interface ClusterAttributes {
  resource: string;
  subresource?: string;
  verb: string;
}

export const clusterCapabilities: Record<ProjectCapability, ClusterAttributes> = {
  'project.view': { resource: 'projects', verb: 'get' },
  'session.start': { resource: 'sessions', verb: 'create' },
  'session.cancel.own': { resource: 'sessions', subresource: 'cancel', verb: 'create' },
  'session.input': { resource: 'sessions', subresource: 'messages', verb: 'create' },
  'specify.run': { resource: 'workspaces', subresource: 'specify', verb: 'create' },
  'workspace.sync': { resource: 'workspaces', subresource: 'sync', verb: 'create' },
  'session.cancel.any': { resource: 'sessions', verb: 'delete' },
  'workspace.manage': { resource: 'workspaces', verb: 'create' },
  'storage.manage': { resource: 'projects', subresource: 'storage', verb: 'update' },
  'model.manage': { resource: 'projects', subresource: 'model', verb: 'update' },
  'members.manage': { resource: 'projects', subresource: 'members', verb: 'update' },
  'audit.read': { resource: 'projects', subresource: 'audit', verb: 'get' },
};

/** One capability that only the given role (and stronger) has: asking for it tells the role apart. */
export const roleProbes: [Role, ProjectCapability][] = [
  ['admin', 'members.manage'],
  ['edit', 'session.start'],
  ['view', 'project.view'],
];

/** `resource` or `resource/subresource`, as RBAC rules spell it. */
export const ruleResource = (a: ClusterAttributes): string =>
  a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
