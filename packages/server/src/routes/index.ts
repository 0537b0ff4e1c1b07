import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { accessRoutes } from './access/access.ts';
import { auditRoutes } from './audit/audit.ts';
import { authRoutes } from './auth/auth.ts';
import { healthRoutes } from './health/health.ts';
import { memberRoutes } from './members/members.ts';
import { openApiRoutes } from './openapi/openapi.ts';
import { projectRoutes } from './projects/projects.ts';
import { storageRoutes } from './storage/storage.ts';

/** Every route module of the API, in one list. */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await healthRoutes(app, ctx);
  await openApiRoutes(app);
  await authRoutes(app, ctx);
  await projectRoutes(app, ctx);
  await accessRoutes(app);
  await memberRoutes(app, ctx);
  await storageRoutes(app, ctx);
  await auditRoutes(app, ctx);
}
