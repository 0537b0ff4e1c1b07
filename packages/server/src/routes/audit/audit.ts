import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { listAudit } from '../../db/audit.ts';
import { errorResponses, ProjectParams, Timestamp } from '../../http/schemas.ts';

const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 100 })),
    actor: Type.Optional(Type.String({ maxLength: 128 })),
    before: Type.Optional(
      Type.String({ pattern: '^[0-9A-Z]{26}$', description: 'id of the last event of the previous page' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

const AuditEvent = Type.Object({
  id: Type.String(),
  time: Timestamp,
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  outcome: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/projects/:p/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['audit'],
        params: ProjectParams,
        querystring: AuditQuery,
        response: {
          200: Type.Object({ items: Type.Array(AuditEvent), nextBefore: Type.Optional(Type.String()) }),
          ...errorResponses(403, 404),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const items = await listAudit(ctx.db, { ...request.query, limit, projectId: request.project!.id });
      return { items, nextBefore: items.length === limit ? items.at(-1)!.id : undefined };
    },
  );
}
