import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { publicUrl } from '../../config/config.ts';
import type { AppContext } from '../../context.ts';
import type { ProjectsTable, SessionsTable } from '../../db/schema.ts';
import { findSessionById, findSessionInProject, TERMINAL_STATUSES } from '../../db/sessions.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { Refusal } from '../../messaging/connections/producer-rules.ts';
import { roleGrants } from '../../policies/capabilities.ts';

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
 * pages (PUBLIC_URL, ALLOWED_ORIGINS) may open a stream with the user's cookie. Clients that
 * authenticate with a bearer token are not browsers riding a cookie; their Origin, if any, must still
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
  const address = app.server.address() as AddressInfo | null;
  const allowed = new Set([
    new URL(ctx.config.publicUrl ?? ctx.listenUrl ?? publicUrl(ctx.config, address?.port ?? ctx.config.port))
      .origin,
    ...ctx.config.allowedOrigins.map((o) => new URL(o).origin),
  ]);
  if (!allowed.has(origin)) {
    throw new ForbiddenError(
      `Origin ${origin} may not open this stream; add it to ALLOWED_ORIGINS if it is yours.`,
      {
        origin,
      },
    );
  }
}

/** Why this caller may not send input to the session now, or null. */
export async function refuseInput(
  ctx: AppContext,
  request: FastifyRequest,
  sessionId: string,
): Promise<Refusal | null> {
  if (!roleGrants(request.role ?? null, 'session.input')) {
    return {
      code: 'forbidden',
      message: `Sending input needs the "session.input" capability (edit or admin); your role is ${request.role ?? 'none'}.`,
    };
  }
  const session = await findSessionById(ctx.db, sessionId);
  if (!session || TERMINAL_STATUSES.includes(session.status)) {
    return {
      code: 'session_closed',
      message: `The session has ended (${session?.status ?? 'gone'}); it takes no more input.`,
    };
  }
  return null;
}
