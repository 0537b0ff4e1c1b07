import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { AppContext } from './context.ts';
import { installAuthentication } from './http/authenticate.ts';
import { installAuthorization } from './http/authorize.ts';
import { installCanonicalHost } from './http/canonical-origin.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { installOpenApi, sharedSchemas } from './http/openapi.ts';
import { installPlatformResponses } from './http/platform-responses.ts';
import { installRouteRegistry } from './http/route-registry.ts';
import { installValidator } from './http/validator.ts';
import { installWebUi } from './http/web-ui.ts';
import { WS_MAX_PAYLOAD_BYTES } from './messaging/connections/frame-socket.ts';
import { installRequestMetrics } from './observability/request-metrics.ts';
import { registerRoutes } from './routes/index.ts';

/** Builds the HTTP application around a context; listening is the caller's job (CLI or tests). */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.config.maxBodyBytes,
    logController: new LogController({
      disableRequestLogging: !['debug', 'trace'].includes(ctx.config.logLevel),
    }),
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
  installRouteRegistry(app);
  installErrorHandler(app);
  installValidator(app, sharedSchemas);
  installPlatformResponses(app);
  await installOpenApi(app);
  await app.register(cookie);
  await app.register(websocket, {
    options: { maxPayload: WS_MAX_PAYLOAD_BYTES },
    // A peer breaking the WebSocket protocol (a frame over maxPayload, bad framing) is the peer's problem:
    // a warning without a stack, so no client can fill the error log.
    errorHandler: (error, socket, request) => {
      const code = (error as { code?: string }).code;
      if (code?.startsWith('WS_ERR_')) {
        // ws is already closing with the right code (1009, 1002 …); what was sent before still goes out.
        request.log.warn({ code, reason: error.message }, 'WebSocket peer error');
        return;
      }
      request.log.error(error);
      socket.terminate();
    },
  });
  installRequestMetrics(app, ctx.metrics);
  installCanonicalHost(app, ctx);
  installAuthentication(app, ctx);
  installAuthorization(app, ctx);
  await registerRoutes(app, ctx);
  await installWebUi(app);
  return app;
}
