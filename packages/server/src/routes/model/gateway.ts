import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ForbiddenError } from '../../errors.ts';
import { ModelGateway } from '../../model/model-gateway.ts';
import { GatewayParams } from './schema.ts';

/** Anthropic accepts request bodies up to 32 MB; a long conversation with files gets close. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * The session-scoped model gateway the runner's agent is pointed at (ANTHROPIC_BASE_URL): the Messages
 * API's `POST /v1/messages` (streamed or not) and `count_tokens`. Bodies are taken as raw bytes and sent
 * on unchanged; the key is the session's model key, good for this session's gateway only.
 */
export async function modelGatewayRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const gateway = new ModelGateway(ctx);
  await app.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    const handler =
      (path: '/v1/messages' | '/v1/messages/count_tokens') =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        const { s } = request.params as { s: string };
        if (request.caller.kind !== 'model' || request.caller.sessionId !== s) {
          throw new ForbiddenError('This model key belongs to another session.');
        }
        reply.hijack();
        await gateway.forward(
          s,
          path,
          (request.body as Buffer | undefined) ?? Buffer.alloc(0),
          request.raw,
          reply.raw,
        );
      };
    const route = (url: string, summary: string, path: '/v1/messages' | '/v1/messages/count_tokens') =>
      scoped.post(
        url,
        {
          config: { access: 'model-key' },
          bodyLimit: MAX_BODY_BYTES,
          schema: {
            tags: ['model-gateway'],
            summary,
            params: GatewayParams,
            security: [{ modelKey: [] }],
            response: {
              200: {
                description:
                  "The provider's answer, forwarded unchanged (JSON, or an event stream when streamed); the provider's error statuses are forwarded too",
              },
              403: Type.Ref('ErrorBody', { description: 'A model key of another session' }),
            },
          },
        },
        handler(path),
      );
    route(
      '/api/runner/sessions/:s/model/v1/messages',
      "Anthropic Messages API for the session's agent, forwarded to the project's provider and metered",
      '/v1/messages',
    );
    route(
      '/api/runner/sessions/:s/model/v1/messages/count_tokens',
      "Anthropic token counting for the session's agent, forwarded to the project's provider",
      '/v1/messages/count_tokens',
    );
  });
}
