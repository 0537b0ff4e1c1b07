/** How much of a budget is used: the browser's meter, which turns amber past 80 % and red at the limit. */
export function BudgetBar({ used, limit, label }: { used: number; limit: number; label: string }) {
  const percent = limit > 0 ? Math.round(Math.min(1, used / limit) * 100) : 100;
  return (
    <div>
      <meter
        aria-label={label}
        min={0}
        max={limit}
        low={limit * 0.8}
        high={limit * 0.99}
        optimum={0}
        value={Math.min(used, limit)}
        className="h-3 w-full"
      >
        {percent}%
      </meter>
      <p className="text-xs text-slate-600">{`${label}: ${percent}% used`}</p>
    </div>
  );
}
