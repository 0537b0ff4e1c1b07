import type { Envelope, Sender } from '@rfe/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../db/audit.ts';
import type { ProjectsTable, SessionsTable } from '../../db/schema.ts';
import { findSessionById, findSessionInProject, TERMINAL_STATUSES } from '../../db/sessions.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { allowedOrigins } from '../../http/canonical-origin.ts';
import type { Refusal } from '../../messaging/connections/producer-rules.ts';
import { allow } from '../../policies/session-policy.ts';

/** The session named by `:s` in the project of the request (authorised already), or 404. */
export async function sessionOfProject(ctx: AppContext, request: FastifyRequest): Promise<SessionsTable> {
  const id = (request.params as { s: string }).s;
  const session = await findSessionInProject(ctx.db, request.project!.id, id);
  if (!session)
    throw new NotFoundError(`Session "${id}" does not exist in project "${request.project!.name}".`);
  return session;
}

/** For the runner channel: the token's session must be the one in the URL. */
export async function sessionOfRunner(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<{ session: SessionsTable; project: ProjectsTable }> {
  const id = (request.params as { s: string }).s;
  if (request.caller.kind !== 'runner' || request.caller.sessionId !== id) {
    throw new ForbiddenError(
      'This runner token is for another session; a runner token opens only its own session.',
    );
  }
  const session = await findSessionById(ctx.db, id);
  const project = session
    ? await ctx.db.selectFrom('projects').selectAll().where('id', '=', session.project_id).executeTakeFirst()
    : undefined;
  if (!session || !project) throw new NotFoundError(`Session "${id}" does not exist.`);
  return { session, project };
}

/**
 * Cross-site WebSocket hijacking guard: a browser always sends Origin, and only the platform's own
 * pages (the canonical origin and its loopback names, ALLOWED_ORIGINS) may open a stream with the
 * user's cookie. Clients that authenticate with a bearer token are not browsers riding a cookie; their Origin, if any, must still
 * be an allowed one.
 */
export function checkOrigin(ctx: AppContext, app: FastifyInstance, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) {
    if (request.headers.authorization) return;
    throw new ForbiddenError(
      'A WebSocket authenticated by cookie must come from a page of this platform (no Origin header).',
    );
  }
  const allowed = allowedOrigins(ctx, app);
  if (!allowed.has(origin)) {
    throw new ForbiddenError(
      `Origin ${origin} may not open this stream; add it to ALLOWED_ORIGINS if it is yours.`,
      {
        origin,
      },
    );
  }
}

export interface InputRefusal extends Refusal {
  /** The capability the caller lacks, when the refusal is about rights. */
  capability?: string;
}

/**
 * Whether this caller may send this input to the session now (session policy, session still open),
 * audited either way; an admitted message gets its sender stamped from the caller's identity.
 */
export async function admitInput(
  ctx: AppContext,
  request: FastifyRequest,
  sessionId: string,
  message: Pick<Envelope, 'id' | 'type'>,
): Promise<{ refusal: InputRefusal } | { sender: Sender }> {
  const caller = request.caller;
  const session = await findSessionById(ctx.db, sessionId);
  if (caller.kind !== 'user' || !session) {
    return {
      refusal: { code: 'session_closed', message: 'The session has ended (gone); it takes no more input.' },
    };
  }
  const user = caller.user;
  const action = message.type === 'cancel' ? 'cancel' : 'prompt';
  const decision = allow({ userId: user.id, role: request.role ?? null }, action, session);
  const audit = (outcome: 'success' | 'denied', reason?: string) =>
    appendAudit(ctx.db, {
      actor: user.subject,
      action: `session.${action}`,
      projectId: session.project_id,
      target: `session:${session.id}`,
      outcome,
      details: {
        messageId: message.id,
        capability: decision.capability,
        owner: session.user_id === user.id,
        ...(reason ? { reason } : {}),
      },
    });
  if (!decision.allowed) {
    await audit('denied', decision.message);
    return { refusal: { code: 'forbidden', message: decision.message, capability: decision.capability } };
  }
  if (TERMINAL_STATUSES.includes(session.status)) {
    const text = `The session has ended (${session.status}); it takes no more input.`;
    await audit('denied', text);
    return { refusal: { code: 'session_closed', message: text } };
  }
  await audit('success');
  return { sender: { userId: user.id, subject: user.subject } };
}
