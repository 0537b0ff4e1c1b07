import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { findProjectByName } from '../db/projects.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.ts';
import {
  capabilitiesOf,
  type ProjectCapability,
  projectCapabilities,
  type RouteAccess,
  roleGrants,
} from '../policies/capabilities.ts';

const roleNames = { view: 'view, edit or admin', edit: 'edit or admin', admin: 'admin' } as const;

/**
 * Enforces the access each route declares; a route that declares none is refused. It runs before input
 * validation, so callers without access learn nothing about a route's schema.
 */
export function installAuthorization(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('preValidation', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) {
      // 404s from the not-found handler have no route options; everything else must declare access.
      if (request.routeOptions.url === undefined) return;
      throw new ForbiddenError('This route declares no capability, so it is refused.');
    }
    await authorize(ctx, request, access);
  });
}

export async function authorize(
  ctx: AppContext,
  request: FastifyRequest,
  access: RouteAccess,
): Promise<void> {
  const principal = request.caller;
  if (access === 'public' || access === 'webhook') return;
  if (access === 'runner') {
    if (principal.kind !== 'runner')
      throw new UnauthenticatedError('This endpoint needs a session-scoped runner token.');
    return;
  }
  if (access === 'model-key') {
    if (principal.kind !== 'model')
      throw new UnauthenticatedError("This endpoint needs the session's model key in x-api-key.");
    return;
  }
  if (principal.kind !== 'user') {
    throw principal.kind === 'runner'
      ? new ForbiddenError('A runner token can only be used on its own session channel.')
      : new UnauthenticatedError();
  }
  if (access === 'signed-in') return;
  await authorizeProject(ctx, request, access);
}

async function authorizeProject(ctx: AppContext, request: FastifyRequest, capability: ProjectCapability) {
  if (request.caller.kind !== 'user') throw new UnauthenticatedError();
  const params = request.params as { p?: string };
  if (!('p' in params))
    throw new Error(`Route ${request.routeOptions.url} declares ${capability} but has no {p} parameter`);
  // Authorization runs before validation, so the name may be anything here.
  const name = params.p ?? '';
  const project = name ? await findProjectByName(ctx.db, name) : undefined;
  const role = project ? await ctx.roles.roleOf(project, request.caller.user) : null;
  // Non-members learn nothing about a project's existence.
  if (!project || role === null)
    throw new NotFoundError(`Project "${name}" does not exist or you are not a member.`);
  request.project = project;
  request.role = role;
  request.capabilities = capabilitiesOf(role);
  if (!roleGrants(role, capability)) {
    const needed = projectCapabilities[capability];
    throw new ForbiddenError(
      `This needs the "${capability}" capability, granted by the ${roleNames[needed]} role; your role in project "${name}" is ${role}.`,
      { capability, role, requiredRole: needed },
    );
  }
}

export function assertCapability(request: FastifyRequest, capability: ProjectCapability): boolean {
  return request.capabilities?.includes(capability) ?? false;
}
