import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { findSessionInProject } from '../../db/sessions.ts';
import { NotFoundError } from '../../errors.ts';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import { effectiveModel, findModelSettings } from '../../model/model-settings-store.ts';
import { monthStart, usageByWorkspace, usageTotals } from '../../model/usage-store.ts';
import { SessionParams } from '../sessions/schema.ts';
import { presentTotals } from './present-model.ts';
import { ProjectUsageView, SessionUsageView } from './schema.ts';

export async function modelUsageRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const limitsOf = async (projectId: string) =>
    effectiveModel(ctx.config, ctx.secretBox, projectId, await findModelSettings(ctx.db, projectId));

  r.get(
    '/api/projects/:p/sessions/:s/usage',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['model'],
        summary: "The session's model tokens and cost so far, and its budget",
        params: SessionParams,
        response: { 200: SessionUsageView, ...errorResponses(404) },
      },
    },
    async (request) => {
      const project = request.project!;
      const session = await findSessionInProject(ctx.db, project.id, request.params.s);
      if (!session) throw new NotFoundError(`Session ${request.params.s} does not exist in ${project.name}.`);
      const limits = await limitsOf(project.id);
      return {
        session: session.id,
        totals: presentTotals(await usageTotals(ctx.db, { sessionId: session.id })),
        budget: {
          usd: limits.sessionBudgetMicroUsd === null ? null : limits.sessionBudgetMicroUsd / 1_000_000,
          tokens: limits.sessionBudgetTokens,
        },
      };
    },
  );

  r.get(
    '/api/projects/:p/usage',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['model'],
        summary: "This month's model tokens and cost for the project and each of its workspaces",
        params: ProjectParams,
        response: { 200: ProjectUsageView, ...errorResponses(404) },
      },
    },
    async (request) => {
      const project = request.project!;
      const since = monthStart();
      const limits = await limitsOf(project.id);
      const byWorkspace = await usageByWorkspace(ctx.db, project.id, since);
      const slugs = new Map(
        (
          await ctx.db
            .selectFrom('workspaces')
            .select(['id', 'slug'])
            .where('project_id', '=', project.id)
            .execute()
        ).map((w) => [w.id, w.slug]),
      );
      return {
        project: project.name,
        since,
        month: presentTotals(await usageTotals(ctx.db, { projectId: project.id, since })),
        monthlyBudgetUsd:
          limits.monthlyBudgetMicroUsd === null ? null : limits.monthlyBudgetMicroUsd / 1_000_000,
        workspaces: byWorkspace.map(({ workspaceId, ...t }) => ({
          workspace: slugs.get(workspaceId) ?? workspaceId,
          month: presentTotals(t),
        })),
      };
    },
  );
}
