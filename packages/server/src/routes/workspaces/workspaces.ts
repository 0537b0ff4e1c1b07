import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../db/audit.ts';
import type { WorkspacesTable } from '../../db/schema.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { requireGithub } from '../../github/github-services.ts';
import { parseRepoRef } from '../../github/repo-ref.ts';
import { userOctokit } from '../../github/user-octokit.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import { presentWorkspace } from '../../presenters/workspace.ts';
import { createWorkspace } from '../../workspaces/create-workspace.ts';
import { findWorkspace, listSubmodules, listWorkspaces } from '../../workspaces/workspace-store.ts';
import { CreateWorkspaceBody, PatchWorkspaceBody, WorkspaceList, WorkspaceParams } from './schema.ts';

export async function loadWorkspace(ctx: AppContext, request: FastifyRequest): Promise<WorkspacesTable> {
  const { w } = request.params as { w: string };
  const ws = await findWorkspace(ctx.db, request.project!.id, w);
  if (!ws) throw new NotFoundError(`Workspace "${w}" does not exist in project "${request.project!.name}".`);
  return ws;
}

export async function workspaceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const present = async (ws: WorkspacesTable) =>
    presentWorkspace(ws, await listSubmodules(ctx.db, ws.id), requireGithub(ctx).webUrl);

  r.post(
    '/api/projects/:p/workspaces',
    {
      config: { access: 'workspace.manage' },
      schema: {
        tags: ['workspaces'],
        summary:
          'Create a workspace on an upstream umbrella repository (canonical branch, bootstrap, submodules)',
        params: ProjectParams,
        body: CreateWorkspaceBody,
        response: { 201: { $ref: 'Workspace#' }, ...errorResponses(403, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const user = signedInUser(request);
      const github = requireGithub(ctx);
      const octokit = await userOctokit(ctx, user);
      const ws = await createWorkspace(ctx, github, octokit, user, request.project!, request.body);
      await ctx.statusSyncer
        .sync(ws, 'create', user)
        .catch((err) => request.log.warn({ err: (err as Error).message }, 'first status sync failed'));
      return reply.status(201).send(await present(ws));
    },
  );

  r.get(
    '/api/projects/:p/workspaces',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['workspaces'],
        params: ProjectParams,
        response: { 200: WorkspaceList, ...errorResponses(404, 503) },
      },
    },
    async (request) => ({
      items: await Promise.all((await listWorkspaces(ctx.db, request.project!.id)).map(present)),
    }),
  );

  r.get(
    '/api/projects/:p/workspaces/:w',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['workspaces'],
        params: WorkspaceParams,
        response: { 200: { $ref: 'Workspace#' }, ...errorResponses(404, 503) },
      },
    },
    async (request) => present(await loadWorkspace(ctx, request)),
  );

  r.patch(
    '/api/projects/:p/workspaces/:w',
    {
      config: { access: 'workspace.manage' },
      schema: {
        tags: ['workspaces'],
        summary: 'Rename a workspace; the upstream binding is immutable',
        params: WorkspaceParams,
        body: PatchWorkspaceBody,
        response: { 200: { $ref: 'Workspace#' }, ...errorResponses(403, 404, 409, 503) },
      },
    },
    async (request) => {
      const ws = await loadWorkspace(ctx, request);
      const github = requireGithub(ctx);
      if (request.body.upstream !== undefined) {
        const wanted = parseRepoRef(request.body.upstream, github, 'upstream');
        if (wanted.owner !== ws.upstream_owner || wanted.repo !== ws.upstream_repo) {
          throw new ConflictError(
            `The upstream of workspace "${ws.slug}" is ${ws.upstream_owner}/${ws.upstream_repo} and cannot change; create a new workspace for another repository.`,
            { field: 'upstream' },
            'upstream_immutable',
          );
        }
      }
      if (request.body.name && request.body.name !== ws.name) {
        await ctx.db
          .updateTable('workspaces')
          .set({ name: request.body.name })
          .where('id', '=', ws.id)
          .execute();
        ws.name = request.body.name;
      }
      return present(ws);
    },
  );

  r.delete(
    '/api/projects/:p/workspaces/:w',
    {
      config: { access: 'workspace.manage' },
      schema: {
        tags: ['workspaces'],
        summary:
          'Delete a workspace from the platform (the canonical branch and its PRs stay on the Git host)',
        params: WorkspaceParams,
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      const ws = await loadWorkspace(ctx, request);
      await ctx.db.deleteFrom('workspaces').where('id', '=', ws.id).execute();
      await appendAudit(ctx.db, {
        actor: signedInUser(request).subject,
        action: 'workspace.delete',
        projectId: request.project!.id,
        target: `workspace:${ws.slug}`,
      });
      return reply.status(204).send(null);
    },
  );
}
