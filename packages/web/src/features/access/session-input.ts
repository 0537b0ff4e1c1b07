import type { Access } from '../../api/projects.ts';
import { type Permission, permission } from './capabilities.ts';

/**
 * Whether you may send prompts to a session (the server's rule, `policies/session-policy.ts`): it needs
 * `session.input`, and the session must be yours, since a prompt runs as its owner, with their credentials.
 * `owner` is the session's user and `you` your subject; either may still be loading.
 */
export function sessionInputPermission(
  access: Access | undefined,
  owner: string | undefined,
  you: string | undefined,
): Permission {
  const byRole = permission(access, 'session.input');
  if (!byRole.allowed || owner === undefined) return byRole;
  if (you === undefined) return { allowed: false, reason: 'Checking who you are…' };
  if (owner !== you) {
    return {
      allowed: false,
      reason: `Only ${owner}, who started this session, can send prompts: a prompt runs as them, with their credentials.`,
    };
  }
  return { allowed: true };
}
