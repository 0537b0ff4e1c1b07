import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../db/audit.ts';
import { now } from '../../db/database.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import {
  effectiveModel,
  findModelSettings,
  keyContext,
  saveModelSettings,
} from '../../model/model-settings-store.ts';
import { checkProviderEndpoint } from '../../model/provider-endpoint.ts';
import { presentModelSettings } from './present-model.ts';
import { ModelSettingsInput, ModelSettingsView } from './schema.ts';

const micro = (usd: number | null | undefined): number | null =>
  usd === null || usd === undefined ? null : Math.round(usd * 1_000_000);

export async function modelSettingsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const view = async (projectId: string) => {
    const row = await findModelSettings(ctx.db, projectId);
    return presentModelSettings(row, effectiveModel(ctx.config, ctx.secretBox, projectId, row));
  };

  r.get(
    '/api/projects/:p/model',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['model'],
        summary: "The project's model provider, default model and limits (the key is never returned)",
        params: ProjectParams,
        response: { 200: ModelSettingsView, ...errorResponses(404) },
      },
    },
    async (request) => view(request.project!.id),
  );

  r.put(
    '/api/projects/:p/model',
    {
      config: { access: 'model.manage' },
      schema: {
        tags: ['model'],
        summary:
          'Set the model provider, default model and limits; apiKey sets or rotates the key, removeApiKey forgets it',
        params: ProjectParams,
        body: ModelSettingsInput,
        response: { 200: ModelSettingsView, ...errorResponses(403, 404) },
      },
    },
    async (request) => {
      const project = request.project!;
      const body = request.body;
      const endpoint =
        body.endpoint === null || body.endpoint === undefined
          ? null
          : checkProviderEndpoint(body.endpoint, ctx.config.modelProviderHosts);
      const current = await findModelSettings(ctx.db, project.id);
      const keyChange = body.apiKey !== undefined ? 'rotated' : body.removeApiKey ? 'removed' : 'kept';
      const sealed =
        keyChange === 'rotated'
          ? ctx.secretBox.seal(body.apiKey!, keyContext(project.id))
          : keyChange === 'removed'
            ? null
            : (current?.api_key_sealed ?? null);
      const limits = body.limits;
      await saveModelSettings(ctx.db, {
        project_id: project.id,
        endpoint,
        api_key_sealed: sealed,
        default_model: body.defaultModel ?? null,
        session_budget_micro_usd: micro(limits?.sessionBudgetUsd),
        session_budget_tokens: limits?.sessionBudgetTokens ?? null,
        max_turns: limits?.maxTurns ?? null,
        monthly_budget_micro_usd: micro(limits?.monthlyBudgetUsd),
        key_updated_at: keyChange === 'kept' ? (current?.key_updated_at ?? null) : now(),
        updated_by: signedInUser(request).subject,
      });
      await appendAudit(ctx.db, {
        actor: signedInUser(request).subject,
        action: 'model.set',
        projectId: project.id,
        target: `project:${project.name}`,
        // Never the key: only whether it changed.
        details: {
          endpoint: endpoint ?? 'platform default',
          key: keyChange,
          defaultModel: body.defaultModel ?? null,
          limits: limits ?? {},
        },
      });
      return view(project.id);
    },
  );
}
