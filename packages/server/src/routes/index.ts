import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { accessRoutes } from './access/access.ts';
import { auditRoutes } from './audit/audit.ts';
import { authRoutes } from './auth/auth.ts';
import { oidcRoutes } from './auth/oidc.ts';
import { githubForkRoutes } from './github/forks.ts';
import { githubLinkRoutes } from './github/github.ts';
import { healthRoutes } from './health/health.ts';
import { memberRoutes } from './members/members.ts';
import { messageRoutes } from './messages/messages.ts';
import { messageStreamRoutes } from './messages/streams.ts';
import { modelGatewayRoutes } from './model/gateway.ts';
import { modelSettingsRoutes } from './model/model-settings.ts';
import { modelUsageRoutes } from './model/usage.ts';
import { openApiRoutes } from './openapi/openapi.ts';
import { projectRoutes } from './projects/projects.ts';
import { sessionRoutes } from './sessions/sessions.ts';
import { storageRoutes } from './storage/storage.ts';
import { webhookRoutes } from './webhooks/webhooks.ts';
import { browseRoutes } from './workspaces/browse.ts';
import { workspaceStatusRoutes } from './workspaces/status.ts';
import { workspaceRoutes } from './workspaces/workspaces.ts';

/** Every route module of the API, in one list. */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await healthRoutes(app, ctx);
  await openApiRoutes(app);
  await authRoutes(app, ctx);
  await oidcRoutes(app, ctx);
  await githubLinkRoutes(app, ctx);
  await githubForkRoutes(app, ctx);
  await projectRoutes(app, ctx);
  await accessRoutes(app);
  await memberRoutes(app, ctx);
  await storageRoutes(app, ctx);
  await auditRoutes(app, ctx);
  await workspaceRoutes(app, ctx);
  await workspaceStatusRoutes(app, ctx);
  await browseRoutes(app, ctx);
  await sessionRoutes(app, ctx);
  await messageRoutes(app, ctx);
  await messageStreamRoutes(app, ctx);
  await modelSettingsRoutes(app, ctx);
  await modelUsageRoutes(app, ctx);
  await modelGatewayRoutes(app, ctx);
  await webhookRoutes(app, ctx);
}
