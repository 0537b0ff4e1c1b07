import { createHmac } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { safeEqual } from '../../crypto/tokens.ts';
import { now } from '../../db/database.ts';
import { BadRequestError, UnauthenticatedError } from '../../errors.ts';
import { requireGithub } from '../../github/github-services.ts';
import { errorResponses } from '../../http/schemas.ts';
import { handleGithubEvent } from '../../webhooks/handle-github-event.ts';

const Accepted = Type.Object({ status: Type.String() });

/** GitHub webhooks: HMAC-verified over the raw body, de-duplicated by delivery id, handled in the background. */
export async function webhookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    // The signature covers the exact bytes, so this route keeps the raw body.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/webhooks/github',
      {
        config: { access: 'webhook' },
        schema: {
          tags: ['webhooks'],
          summary: 'GitHub webhook deliveries (push, pull_request), verified with X-Hub-Signature-256',
          response: { 202: Accepted, 200: Accepted, ...errorResponses(503) },
        },
      },
      async (request, reply) => {
        const github = requireGithub(ctx);
        const raw = request.body;
        if (!Buffer.isBuffer(raw)) {
          throw new BadRequestError(
            'A webhook delivery is a JSON body: send it with Content-Type: application/json.',
          );
        }
        const signature = String(request.headers['x-hub-signature-256'] ?? '');
        const expected = `sha256=${createHmac('sha256', github.app.webhookSecret).update(raw).digest('hex')}`;
        if (!signature || !safeEqual(signature, expected)) {
          throw new UnauthenticatedError(
            'X-Hub-Signature-256 is missing or does not match the webhook secret.',
          );
        }
        const delivery = String(request.headers['x-github-delivery'] ?? '');
        const event = String(request.headers['x-github-event'] ?? '');
        if (!delivery || !event)
          throw new BadRequestError('X-GitHub-Delivery and X-GitHub-Event headers are required.');
        let payload: unknown;
        try {
          payload = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new BadRequestError('The webhook body is not valid JSON.', undefined, 'malformed_json');
        }
        const inserted = await ctx.db
          .insertInto('webhook_deliveries')
          .values({ delivery_id: delivery.slice(0, 100), event: event.slice(0, 50), received_at: now() })
          .onConflict((oc) => oc.column('delivery_id').doNothing())
          .returning('delivery_id')
          .executeTakeFirst();
        if (!inserted) return reply.status(200).send({ status: 'duplicate' });
        void handleGithubEvent(ctx, event, payload).catch((err) =>
          request.log.warn({ err: (err as Error).message, event, delivery }, 'webhook handling failed'),
        );
        return reply.status(202).send({ status: 'accepted' });
      },
    );
  });
}
