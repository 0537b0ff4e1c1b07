import { formatUsd } from '../../api/model.ts';
import { Panel } from '../../components/page.tsx';
import { errorMessage, Loading } from '../../components/states.tsx';
import { BudgetBar } from './budget-bar.tsx';
import { useProjectUsage } from './use-model.ts';

/** This month's model spend for the project and per workspace. */
export function ProjectUsagePanel({ project }: { project: string }) {
  const usage = useProjectUsage(project);
  const u = usage.data;
  return (
    <Panel
      id="usage"
      title="Model usage this month"
      description="Tokens and cost of every session, by workspace."
    >
      {usage.isPending && <Loading />}
      {usage.error && <p className="text-sm text-red-700">{errorMessage(usage.error)}</p>}
      {u && (
        <>
          <p className="text-sm text-slate-800">
            <span className="font-semibold">{formatUsd(u.month.costUsd)}</span> ·{' '}
            {u.month.totalTokens.toLocaleString()} tokens · {u.month.requests} requests since{' '}
            {u.since.slice(0, 10)}
          </p>
          {u.monthlyBudgetUsd !== null && (
            <div className="mt-2">
              <BudgetBar
                used={u.month.costUsd}
                limit={u.monthlyBudgetUsd}
                label={`Monthly budget ${formatUsd(u.monthlyBudgetUsd)}`}
              />
            </div>
          )}
          {u.workspaces.length > 0 && (
            <table className="mt-3 w-full text-left text-sm">
              <thead className="text-slate-600">
                <tr>
                  <th className="py-1 font-medium">Workspace</th>
                  <th className="py-1 font-medium">Tokens</th>
                  <th className="py-1 font-medium">Cost</th>
                </tr>
              </thead>
              <tbody>
                {u.workspaces.map((w) => (
                  <tr key={w.workspace} className="border-t border-slate-100">
                    <td className="py-1 font-mono">{w.workspace}</td>
                    <td className="py-1">{w.month.totalTokens.toLocaleString()}</td>
                    <td className="py-1">{formatUsd(w.month.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Panel>
  );
}
