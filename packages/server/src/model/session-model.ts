import type { AppContext } from '../context.ts';
import type { ProjectsTable } from '../db/schema.ts';
import { UnprocessableError } from '../errors.ts';
import { ModelKeys } from './model-keys.ts';
import { effectiveModel, findModelSettings } from './model-settings-store.ts';

export interface SessionModel {
  /** Runner settings: where the agent's model is (the session's gateway), which model, how many turns. */
  env: Record<string, string>;
  /** Goes to the runner with its other secrets; the agent presents it to the gateway as x-api-key. */
  modelKey: string;
}

/**
 * What a new session gets to reach a model: nothing for localexec; for claude the session gateway, or a
 * refusal naming what is missing when the project has no model; for specify the gateway when there is a
 * model (the agent fills the documents) and nothing otherwise (the templates are copied).
 */
export async function modelForSession(
  ctx: AppContext,
  project: Pick<ProjectsTable, 'id' | 'name'>,
  adapter: string,
): Promise<((sessionId: string) => SessionModel) | undefined> {
  if (adapter !== 'claude' && adapter !== 'specify') return undefined;
  const model = effectiveModel(
    ctx.config,
    ctx.secretBox,
    project.id,
    await findModelSettings(ctx.db, project.id),
  );
  if (!model.configured) {
    if (adapter === 'specify') return undefined;
    throw new UnprocessableError(
      'model_not_configured',
      `Project "${project.name}" has no model configured, so the claude adapter cannot run. An admin sets the provider's API key (or an Anthropic-compatible endpoint) under Project settings → Model; or start a localexec session.`,
      { settings: `/projects/${project.name}/settings#model` },
    );
  }
  const base = ctx.config.publicUrl ?? ctx.listenUrl;
  if (!base) throw new Error('The server is not listening yet, so runners have no URL to reach the model.');
  const keys = new ModelKeys(ctx.keys.sessionSecret);
  return (sessionId) => ({
    env: {
      ANTHROPIC_BASE_URL: `${base.replace(/\/$/, '')}/api/runner/sessions/${sessionId}/model`,
      ...(model.model ? { RFE_CLAUDE_MODEL: model.model } : {}),
      ...(model.maxTurns ? { RFE_CLAUDE_MAX_TURNS: String(model.maxTurns) } : {}),
      ...(adapter === 'specify' ? { RFE_SPECIFY_USE_CLAUDE: 'true' } : {}),
    },
    modelKey: keys.issue(sessionId),
  });
}
