import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { FrameSocket } from '../../messaging/connections/frame-socket.ts';
import { serveRunner } from '../../messaging/connections/runner-connection.ts';
import { serveUi } from '../../messaging/connections/ui-connection.ts';
import type { LiveSession, SessionUser } from '../../messaging/live-session.ts';
import { SessionParams } from '../sessions/schema.ts';
import { runnerCredentialRoutes } from './runner-credentials.ts';
import { RunnerSessionParams, StreamQuery } from './schema.ts';
import { admitInput, checkOrigin, sessionOfProject, sessionOfRunner } from './session-access.ts';

/**
 * What the pre-upgrade hook found, for the WebSocket handler. Authorisation, the session lookup and
 * loading the log all happen before the upgrade, so a refusal is a plain HTTP error response.
 */
interface Upgrade {
  live: LiveSession;
  user: SessionUser & { socket?: FrameSocket };
}
const upgrades = new WeakMap<object, Upgrade>();

/** Holds the session open for this connection until its TCP socket closes (upgraded or not). */
function hold(request: FastifyRequest, live: LiveSession): void {
  const user: Upgrade['user'] = { close: (code, reason) => user.socket?.close(code, reason) };
  live.retain(user);
  request.raw.socket.once('close', () => live.release(user));
  upgrades.set(request.raw, { live, user });
}

export async function messageStreamRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  await runnerCredentialRoutes(app, ctx);

  r.get(
    '/api/runner/sessions/:s',
    {
      websocket: true,
      config: { access: 'runner' },
      schema: { params: RunnerSessionParams },
      preHandler: async (request) => {
        const { session, project } = await sessionOfRunner(ctx, request);
        // The instance the runner reaches writes its log (with replicas it takes the session over).
        hold(request, await ctx.messaging.forWriting(session, project));
      },
    },
    (ws, request) => {
      const { live, user } = upgrades.get(request.raw)!;
      user.socket = serveRunner(ws, live, {
        settings: ctx.messaging.settings,
        metrics: ctx.messaging.metrics,
        verifyRunnerToken: (token) => ctx.runnerTokens.verify(token),
        onClose: () => {},
      });
    },
  );

  r.get(
    '/api/projects/:p/sessions/:s/stream',
    {
      websocket: true,
      config: { access: 'project.view' },
      schema: { params: SessionParams, querystring: StreamQuery },
      preHandler: async (request) => {
        checkOrigin(ctx, app, request);
        const session = await sessionOfProject(ctx, request);
        hold(request, await ctx.messaging.open(session, request.project!));
      },
    },
    (ws, request) => {
      const { live, user } = upgrades.get(request.raw)!;
      user.socket = serveUi(ws, live, {
        settings: ctx.messaging.settings,
        metrics: ctx.messaging.metrics,
        fanOut: ctx.messaging.fanOut,
        after: (request.query as { after?: number }).after,
        admitInput: (message) => admitInput(ctx, request, live.sessionId, message),
        // Input is appended by the session's writer: with replicas this instance may first take it over.
        writer: async () => {
          const session = await sessionOfProject(ctx, request);
          return ctx.messaging.forWriting(session, request.project!);
        },
        onClose: () => {},
      });
    },
  );
}
