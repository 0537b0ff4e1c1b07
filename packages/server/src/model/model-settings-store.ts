import type { Config } from '../config/config.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { type Db, now } from '../db/database.ts';
import type { ProjectModelSettingsTable } from '../db/schema.ts';
import { ANTHROPIC_API_URL } from './provider-endpoint.ts';

export async function findModelSettings(
  db: Db,
  projectId: string,
): Promise<ProjectModelSettingsTable | undefined> {
  const row = await db
    .selectFrom('project_model_settings')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (!row) return undefined;
  // PostgreSQL returns bigint as text.
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ...row,
    session_budget_micro_usd: n(row.session_budget_micro_usd),
    session_budget_tokens: n(row.session_budget_tokens),
    max_turns: n(row.max_turns),
    monthly_budget_micro_usd: n(row.monthly_budget_micro_usd),
  };
}

export async function saveModelSettings(
  db: Db,
  row: Omit<ProjectModelSettingsTable, 'updated_at'>,
): Promise<ProjectModelSettingsTable> {
  const full = { ...row, updated_at: now() };
  const { project_id: _key, ...rest } = full;
  await db
    .insertInto('project_model_settings')
    .values(full)
    .onConflict((oc) => oc.column('project_id').doUpdateSet(rest))
    .execute();
  return full;
}

/** The sealed key's AAD: the key opens for this project's settings only. */
export const keyContext = (projectId: string): string => `model-key:${projectId}`;

/** What a session of the project runs with: the project's settings over the platform defaults. */
export interface EffectiveModel {
  endpoint: string;
  /** Where each value came from, for the settings page. */
  endpointSource: 'project' | 'platform' | 'default';
  apiKey: string | undefined;
  keySource: 'project' | 'platform' | 'none';
  model: string | undefined;
  sessionBudgetMicroUsd: number | null;
  sessionBudgetTokens: number | null;
  maxTurns: number | null;
  monthlyBudgetMicroUsd: number | null;
  /**
   * A session can reach a model: a key is set, or an endpoint was named on purpose (a gateway that needs
   * none). The bare default — api.anthropic.com without a key — is not configured.
   */
  configured: boolean;
}

export function effectiveModel(
  config: Pick<Config, 'anthropicBaseUrl' | 'anthropicApiKey' | 'defaultModel'>,
  secretBox: SecretBox,
  projectId: string,
  row: ProjectModelSettingsTable | undefined,
): EffectiveModel {
  const projectKey = row?.api_key_sealed
    ? secretBox.open(row.api_key_sealed, keyContext(projectId))
    : undefined;
  const endpoint = row?.endpoint ?? config.anthropicBaseUrl ?? ANTHROPIC_API_URL;
  const endpointSource = row?.endpoint ? 'project' : config.anthropicBaseUrl ? 'platform' : 'default';
  const apiKey = projectKey ?? config.anthropicApiKey;
  const keySource = projectKey ? 'project' : config.anthropicApiKey ? 'platform' : 'none';
  return {
    endpoint: endpoint.replace(/\/$/, ''),
    endpointSource,
    apiKey,
    keySource,
    model: row?.default_model ?? config.defaultModel,
    sessionBudgetMicroUsd: row?.session_budget_micro_usd ?? null,
    sessionBudgetTokens: row?.session_budget_tokens ?? null,
    maxTurns: row?.max_turns ?? null,
    monthlyBudgetMicroUsd: row?.monthly_budget_micro_usd ?? null,
    configured: keySource !== 'none' || endpointSource !== 'default',
  };
}
