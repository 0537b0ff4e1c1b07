import type { ProjectModelSettingsTable } from '../../db/schema.ts';
import type { EffectiveModel } from '../../model/model-settings-store.ts';
import { totalTokens, type UsageTotals } from '../../model/usage-store.ts';
import type { ModelSettingsView } from './schema.ts';

const toUsd = (micro: number | null): number | null => (micro === null ? null : micro / 1_000_000);

export function presentModelSettings(
  row: ProjectModelSettingsTable | undefined,
  effective: EffectiveModel,
): ModelSettingsView {
  return {
    endpoint: effective.endpoint,
    endpointSource: effective.endpointSource,
    apiKey: row?.api_key_sealed ? 'set' : 'not-set',
    keySource: effective.keySource,
    keyUpdatedAt: row?.key_updated_at ?? null,
    defaultModel: effective.model ?? null,
    limits: {
      sessionBudgetUsd: toUsd(effective.sessionBudgetMicroUsd),
      sessionBudgetTokens: effective.sessionBudgetTokens,
      maxTurns: effective.maxTurns,
      monthlyBudgetUsd: toUsd(effective.monthlyBudgetMicroUsd),
    },
    configured: effective.configured,
    ...(effective.configured
      ? {}
      : {
          missing:
            'No model provider is configured: an admin sets an API key (or an Anthropic-compatible endpoint) under Project settings → Model.',
        }),
    updatedAt: row?.updated_at ?? null,
  };
}

export function presentTotals(t: UsageTotals) {
  const { costMicroUsd, ...tokens } = t;
  return { ...tokens, totalTokens: totalTokens(t), costUsd: costMicroUsd / 1_000_000 };
}
