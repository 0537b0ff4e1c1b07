import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';

const Health = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['platform'], summary: 'Process is alive', response: { 200: Health } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Database and object store answer',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      await sql`select 1`.execute(ctx.db).then(
        () => (checks.database = 'ok'),
        (err: Error) => (checks.database = `failed: ${err.message}`),
      );
      await ctx.platformStore.check().then(
        () => (checks.objectStore = 'ok'),
        (err: Error) => (checks.objectStore = `failed: ${err.message}`),
      );
      const ok = Object.values(checks).every((v) => v === 'ok');
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Prometheus metrics',
        hide: false,
        response: {
          200: { description: 'The Prometheus text exposition format (text/plain; version=0.0.4)' },
        },
      },
    },
    async (_request, reply) => {
      reply.header('content-type', ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );
}
