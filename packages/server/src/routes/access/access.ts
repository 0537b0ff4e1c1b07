import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import { projectCapabilities } from '../../policies/capabilities.ts';
import { RoleSchema } from '../members/schema.ts';

const Access = Type.Object({
  role: RoleSchema,
  capabilities: Type.Array(Type.String()),
  /** Every capability with the role that grants it, so the UI can say why an action is disabled. */
  grants: Type.Record(Type.String(), RoleSchema),
});

export async function accessRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/projects/:p/access',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['projects'],
        summary: 'My role and capabilities',
        params: ProjectParams,
        response: { 200: Access, ...errorResponses(404) },
      },
    },
    async (request) => ({
      role: request.role!,
      capabilities: request.capabilities!,
      grants: projectCapabilities,
    }),
  );
}
