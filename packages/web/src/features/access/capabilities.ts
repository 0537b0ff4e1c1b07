import type { Access, Capability } from '../../api/projects.ts';

/** What each capability lets you do, phrased to start a sentence ("Starting a session needs …"). */
export const capabilityLabels: Record<Capability, string> = {
  'project.view': 'Viewing this project',
  'session.start': 'Starting a session',
  'session.cancel.own': 'Cancelling your sessions',
  'session.input': 'Sending input to a session',
  'specify.run': 'Running Specify',
  'workspace.sync': 'Syncing with the upstream',
  'session.cancel.any': "Cancelling other people's sessions",
  'workspace.manage': 'Creating workspaces',
  'storage.manage': 'Changing storage',
  'model.manage': 'Changing model settings',
  'members.manage': 'Managing members',
  'audit.read': 'Reading the audit log',
};

export interface Permission {
  allowed: boolean;
  /** Why not, when not allowed (or while access is still loading). */
  reason?: string;
}

/** Whether `access` grants `capability`, and if not, a sentence saying which role would. */
export function permission(access: Access | undefined, capability: Capability): Permission {
  if (!access) return { allowed: false, reason: 'Checking your role…' };
  if (access.capabilities.includes(capability)) return { allowed: true };
  const needed = access.grants[capability] ?? 'admin';
  return {
    allowed: false,
    reason: `${capabilityLabels[capability]} needs the ${needed} role; you are ${access.role}.`,
  };
}
