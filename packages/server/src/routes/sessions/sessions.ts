import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../db/audit.ts';
import type { SessionsTable } from '../../db/schema.ts';
import { findSessionInProject } from '../../db/sessions.ts';
import { findUserById, findUserBySubject } from '../../db/users.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { userOctokit } from '../../github/user-octokit.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import { projectCapabilities } from '../../policies/capabilities.ts';
import { allow } from '../../policies/session-policy.ts';
import { presentSession } from '../../presenters/session.ts';
import { withPullRequestDetails } from '../../sessions/pull-request-details.ts';
import { startSession } from '../../sessions/start-session.ts';
import { WorkspaceParams } from '../workspaces/schema.ts';
import { loadWorkspace } from '../workspaces/workspaces.ts';
import { SessionList, SessionListQuery, SessionParams, SpecifyBody, StartSessionBody } from './schema.ts';

export async function sessionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  const present = async (rows: SessionsTable[]) => {
    const ids = rows.map((s) => s.id);
    const prs = ids.length
      ? await ctx.db.selectFrom('pr_links').selectAll().where('session_id', 'in', ids).execute()
      : [];
    const wsIds = [...new Set(rows.map((s) => s.workspace_id))];
    const slugs = new Map(
      wsIds.length
        ? (
            await ctx.db.selectFrom('workspaces').select(['id', 'slug']).where('id', 'in', wsIds).execute()
          ).map((w) => [w.id, w.slug])
        : [],
    );
    const users = new Map<string, string>();
    for (const id of new Set(rows.map((s) => s.user_id)))
      users.set(id, (await findUserById(ctx.db, id))?.subject ?? id);
    return rows.map((s) => presentSession(s, slugs.get(s.workspace_id) ?? '', users.get(s.user_id)!, prs));
  };
  const presentOne = async (row: SessionsTable) => (await present([row]))[0]!;

  const loadSession = async (request: FastifyRequest): Promise<SessionsTable> => {
    const { s } = request.params as { s: string };
    const row = await findSessionInProject(ctx.db, request.project!.id, s);
    if (!row) throw new NotFoundError(`Session ${s} does not exist in project "${request.project!.name}".`);
    return row;
  };

  r.post(
    '/api/projects/:p/workspaces/:w/sessions',
    {
      config: { access: 'session.start' },
      schema: {
        tags: ['sessions'],
        summary:
          'Start a session: clone the canonical branch, run the adapter, push per-repo branches, open one PR per repo',
        params: WorkspaceParams,
        body: StartSessionBody,
        response: { 201: { $ref: 'Session#' }, ...errorResponses(403, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const ws = await loadWorkspace(ctx, request);
      const row = await startSession(ctx, signedInUser(request), request.project!, ws, {
        kind: 'session',
        ...request.body,
      });
      return reply.status(201).send(await presentOne(row));
    },
  );

  r.post(
    '/api/projects/:p/workspaces/:w/specify',
    {
      config: { access: 'specify.run' },
      schema: {
        tags: ['sessions'],
        summary:
          'Run Specify: write specs/{feature}/ on the canonical branch (direct push with upstream write, else fork + PR)',
        params: WorkspaceParams,
        body: SpecifyBody,
        response: { 201: { $ref: 'Session#' }, ...errorResponses(403, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const ws = await loadWorkspace(ctx, request);
      const user = signedInUser(request);
      const octokit = await userOctokit(ctx, user);
      const upstream = await octokit.rest.repos.get({ owner: ws.upstream_owner, repo: ws.upstream_repo });
      const canWrite = Boolean(upstream.data.permissions?.push);
      const feature = request.body.feature ?? ws.feature_slug ?? ws.slug;
      const row = await startSession(ctx, user, request.project!, ws, {
        kind: 'specify',
        adapter: 'specify',
        prompt: request.body.description,
        title: request.body.title,
        feature,
        directPush: canWrite,
        createFork: !canWrite,
      });
      return reply.status(201).send(await presentOne(row));
    },
  );

  r.get(
    '/api/projects/:p/sessions',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['sessions'],
        params: ProjectParams,
        querystring: SessionListQuery,
        response: { 200: SessionList, ...errorResponses(404) },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 50;
      let query = ctx.db
        .selectFrom('sessions')
        .selectAll('sessions')
        .where('sessions.project_id', '=', request.project!.id);
      if (q.workspace) {
        query = query
          .innerJoin('workspaces', 'workspaces.id', 'sessions.workspace_id')
          .where('workspaces.slug', '=', q.workspace);
      }
      if (q.user)
        query = query.where('sessions.user_id', '=', (await findUserBySubject(ctx.db, q.user))?.id ?? '-');
      if (q.status) query = query.where('sessions.status', '=', q.status as SessionsTable['status']);
      if (q.before) query = query.where('sessions.id', '<', q.before);
      const rows = await query.orderBy('sessions.id', 'desc').limit(limit).execute();
      return { items: await present(rows), nextBefore: rows.length === limit ? rows.at(-1)!.id : undefined };
    },
  );

  r.get(
    '/api/projects/:p/sessions/:s',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['sessions'],
        summary: 'One session; its pull requests with title, state and size as the Git host has them now',
        params: SessionParams,
        response: { 200: { $ref: 'Session#' }, ...errorResponses(404) },
      },
    },
    async (request) =>
      withPullRequestDetails(ctx, signedInUser(request), await presentOne(await loadSession(request))),
  );

  r.post(
    '/api/projects/:p/sessions/:s/cancel',
    {
      config: { access: 'session.cancel.own' },
      schema: {
        tags: ['sessions'],
        summary: "Cancel a session (your own with edit; anyone's with admin)",
        params: SessionParams,
        response: { 200: { $ref: 'Session#' }, ...errorResponses(403, 404) },
      },
    },
    async (request) => {
      const session = await loadSession(request);
      const user = signedInUser(request);
      const decision = allow({ userId: user.id, role: request.role ?? null }, 'cancel', session);
      if (!decision.allowed) {
        await appendAudit(ctx.db, {
          actor: user.subject,
          action: 'session.cancel',
          projectId: session.project_id,
          target: `session:${session.id}`,
          outcome: 'denied',
          details: { capability: decision.capability, reason: decision.message },
        });
        throw new ForbiddenError(decision.message, {
          capability: decision.capability,
          requiredRole: projectCapabilities[decision.capability],
        });
      }
      await ctx.sessions.cancel(session, user.subject);
      return presentOne((await findSessionInProject(ctx.db, request.project!.id, session.id))!);
    },
  );
}
