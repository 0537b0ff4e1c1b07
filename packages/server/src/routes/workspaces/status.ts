import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { WorkspacesTable } from '../../db/schema.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses } from '../../http/schemas.ts';
import { storedStatus, type UpstreamStatus } from '../../workspaces/sync-status.ts';
import { WorkspaceParams, type WorkspaceStatus } from './schema.ts';
import { loadWorkspace } from './workspaces.ts';

async function sessionsOf(ctx: AppContext, ws: WorkspacesTable): Promise<WorkspaceStatus['sessions']> {
  const sessions = await ctx.db
    .selectFrom('sessions')
    .select(['id', 'status', 'output_branch'])
    .where('workspace_id', '=', ws.id)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  const ids = sessions.map((s) => s.id);
  const prs = ids.length
    ? await ctx.db.selectFrom('pr_links').selectAll().where('session_id', 'in', ids).execute()
    : [];
  return sessions.map((s) => ({
    id: s.id,
    status: s.status,
    outputBranch: s.output_branch,
    pullRequests: prs
      .filter((p) => p.session_id === s.id)
      .map((p) => ({ repo: p.repo, number: p.number, url: p.url, status: p.status, role: p.role })),
  }));
}

export async function workspaceStatusRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const respond = async (ws: WorkspacesTable, upstream: UpstreamStatus): Promise<WorkspaceStatus> => ({
    ...upstream,
    sessions: await sessionsOf(ctx, ws),
  });

  r.get(
    '/api/projects/:p/workspaces/:w/status',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['workspaces'],
        summary: "Canonical branch status, open PRs, the sessions' branches and PRs, merge-policy warnings",
        params: WorkspaceParams,
        response: { 200: { $ref: 'WorkspaceStatus#' }, ...errorResponses(404, 422, 502, 503) },
      },
    },
    async (request) => {
      const ws = await loadWorkspace(ctx, request);
      const upstream =
        (await storedStatus(ctx.db, ws.id)) ??
        (await ctx.statusSyncer.sync(ws, 'manual', signedInUser(request)));
      return respond(ws, upstream);
    },
  );

  r.post(
    '/api/projects/:p/workspaces/:w/sync',
    {
      config: { access: 'workspace.sync' },
      schema: {
        tags: ['workspaces'],
        summary: "Sync now: re-read the upstream status (through the App's installation on its owner)",
        params: WorkspaceParams,
        response: { 200: { $ref: 'WorkspaceStatus#' }, ...errorResponses(404, 422, 502, 503) },
      },
    },
    async (request) => {
      const ws = await loadWorkspace(ctx, request);
      return respond(ws, await ctx.statusSyncer.sync(ws, 'manual', signedInUser(request)));
    },
  );
}
