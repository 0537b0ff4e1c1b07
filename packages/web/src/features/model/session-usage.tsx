import { formatUsd } from '../../api/model.ts';
import { Panel } from '../../components/page.tsx';
import { BudgetBar } from './budget-bar.tsx';
import { useSessionUsage } from './use-model.ts';

/** The session's model tokens and cost, live while it runs, with its budget bars. */
export function SessionUsage({
  project,
  session,
  live,
}: {
  project: string;
  session: string;
  live: boolean;
}) {
  const usage = useSessionUsage(project, session, live);
  const u = usage.data;
  if (!u || (u.totals.requests === 0 && u.budget.usd === null && u.budget.tokens === null)) return null;
  const t = u.totals;
  return (
    <Panel id="session-usage" title="Model usage" description="What the provider reported for this session.">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4" data-testid="session-usage">
        {(
          [
            ['Cost', formatUsd(t.costUsd)],
            ['Tokens', t.totalTokens.toLocaleString()],
            ['Input / output', `${t.inputTokens.toLocaleString()} / ${t.outputTokens.toLocaleString()}`],
            [
              'Cache read / write',
              `${t.cacheReadTokens.toLocaleString()} / ${t.cacheWriteTokens.toLocaleString()}`,
            ],
          ] as const
        ).map(([label, value]) => (
          <div key={label}>
            <dt className="text-slate-600">{label}</dt>
            <dd className="font-mono text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-3 space-y-2">
        {u.budget.usd !== null && (
          <BudgetBar used={t.costUsd} limit={u.budget.usd} label={`Budget ${formatUsd(u.budget.usd)}`} />
        )}
        {u.budget.tokens !== null && (
          <BudgetBar
            used={t.totalTokens}
            limit={u.budget.tokens}
            label={`Token budget ${u.budget.tokens.toLocaleString()}`}
          />
        )}
      </div>
    </Panel>
  );
}
