import type { ProjectCapability, Role } from './capabilities.ts';
import { roleGrants } from './capabilities.ts';

/** What someone does to one session. */
export type SessionAction = 'prompt' | 'cancel';

export interface SessionActor {
  userId: string;
  /** The actor's role in the session's project (null: not a member). */
  role: Role | null;
}

export type SessionDecision =
  | { allowed: true; capability: ProjectCapability }
  | { allowed: false; capability: ProjectCapability; message: string };

/**
 * The object-level rule for a session (SPEC §7): the role table says who may act on sessions at all, the
 * session says whose it is. A prompt runs commands as the session's owner, with their credentials and in
 * their commits, so only the owner may send one; cancelling is for the owner (edit) or an admin.
 * Used by `POST …/messages`, the UI stream and `POST …/cancel` alike.
 */
export function allow(
  actor: SessionActor,
  action: SessionAction,
  session: { user_id: string },
): SessionDecision {
  const own = session.user_id === actor.userId;
  if (action === 'prompt') {
    if (!roleGrants(actor.role, 'session.input')) {
      return refuse(
        'session.input',
        `Sending input needs the "session.input" capability (edit or admin); your role is ${actor.role ?? 'none'}.`,
      );
    }
    if (!own) {
      return refuse(
        'session.input',
        'Only the owner of a session may send it a prompt ("session.input" covers your own sessions): a prompt runs as the owner, with their credentials. Start your own session instead.',
      );
    }
    return { allowed: true, capability: 'session.input' };
  }
  if (own) {
    return roleGrants(actor.role, 'session.cancel.own')
      ? { allowed: true, capability: 'session.cancel.own' }
      : refuse(
          'session.cancel.own',
          `Cancelling your session needs the "session.cancel.own" capability (edit or admin); your role is ${actor.role ?? 'none'}.`,
        );
  }
  return roleGrants(actor.role, 'session.cancel.any')
    ? { allowed: true, capability: 'session.cancel.any' }
    : refuse(
        'session.cancel.any',
        'Cancelling someone else\'s session needs the "session.cancel.any" capability, granted by the admin role.',
      );
}

function refuse(capability: ProjectCapability, message: string): SessionDecision {
  return { allowed: false, capability, message };
}
