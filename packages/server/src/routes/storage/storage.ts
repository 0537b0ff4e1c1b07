import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../db/audit.ts';
import { updateProjectStorage } from '../../db/projects.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import { verifyStorage } from '../../operations/verify-storage.ts';
import { presentStorage } from '../../presenters/project.ts';
import { StorageInput } from '../projects/schema.ts';

export async function storageRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/projects/:p/storage',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['storage'],
        params: ProjectParams,
        response: { 200: { $ref: 'StorageView#' }, ...errorResponses(404) },
      },
    },
    async (request) => presentStorage(request.project!),
  );

  r.put(
    '/api/projects/:p/storage',
    {
      config: { access: 'storage.manage' },
      schema: {
        tags: ['storage'],
        summary: 'Point the project at other storage (new data goes there; existing data is not copied)',
        params: ProjectParams,
        body: StorageInput,
        response: { 200: { $ref: 'StorageView#' }, ...errorResponses(403, 404, 422, 503) },
      },
    },
    async (request) => {
      const project = request.project!;
      const verified = await verifyStorage(ctx, project.name, request.body);
      await verified.provision?.();
      const patch = {
        storage_kind: verified.settings.kind,
        storage_state: 'ready' as const,
        storage_error: null,
        storage_settings: JSON.stringify(verified.settings),
        storage_secret: verified.credentials
          ? ctx.secretBox.seal(JSON.stringify(verified.credentials), project.id)
          : null,
      };
      await updateProjectStorage(ctx.db, project.id, patch);
      ctx.projectStores.forget(project.id);
      await appendAudit(ctx.db, {
        actor: signedInUser(request).subject,
        action: 'storage.set',
        projectId: project.id,
        target: `project:${project.name}`,
        details: { kind: verified.settings.kind },
      });
      return presentStorage({ ...project, ...patch });
    },
  );
}
