import type { EffectiveModel } from './model-settings-store.ts';
import { monthStart, totalTokens, type UsageTotals } from './usage-store.ts';

export type BudgetVerdict =
  | { ok: true }
  | { ok: false; scope: 'session' | 'project'; message: string; remediation: string };

export const usd = (micro: number): string => `$${(micro / 1_000_000).toFixed(micro < 10_000 ? 4 : 2)}`;

/**
 * Whether one more model request may start. The gateway admits a session's requests one at a time and
 * asks before each, so a session's spend passes its budget by at most the one request that crossed it.
 */
export function checkBudget(
  model: Pick<EffectiveModel, 'sessionBudgetMicroUsd' | 'sessionBudgetTokens' | 'monthlyBudgetMicroUsd'>,
  session: UsageTotals,
  projectMonth: UsageTotals,
): BudgetVerdict {
  const raise = 'Raise the limit under Project settings → Model (admins), or start a smaller session.';
  if (model.sessionBudgetMicroUsd !== null && session.costMicroUsd >= model.sessionBudgetMicroUsd) {
    return {
      ok: false,
      scope: 'session',
      message: `The session spent ${usd(session.costMicroUsd)} of its ${usd(model.sessionBudgetMicroUsd)} budget.`,
      remediation: raise,
    };
  }
  if (model.sessionBudgetTokens !== null && totalTokens(session) >= model.sessionBudgetTokens) {
    return {
      ok: false,
      scope: 'session',
      message: `The session used ${totalTokens(session)} of its ${model.sessionBudgetTokens} token budget.`,
      remediation: raise,
    };
  }
  if (model.monthlyBudgetMicroUsd !== null && projectMonth.costMicroUsd >= model.monthlyBudgetMicroUsd) {
    return {
      ok: false,
      scope: 'project',
      message: `The project spent ${usd(projectMonth.costMicroUsd)} of its ${usd(model.monthlyBudgetMicroUsd)} monthly budget since ${monthStart().slice(0, 10)}.`,
      remediation:
        'An admin can raise the monthly budget under Project settings → Model; it resets on the first of the month (UTC).',
    };
  }
  return { ok: true };
}
