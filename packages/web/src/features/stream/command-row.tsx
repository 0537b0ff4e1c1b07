import { Badge } from '../../components/badge.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { RowFrame, Toggle } from './row-frame.tsx';
import type { CommandRow } from './rows.ts';

/** A command with its output, collapsed once it succeeded, open while running or after a failure. */
export function CommandRowView({
  row,
  expanded,
  finished = false,
  onToggle,
}: {
  row: CommandRow;
  /** The session has ended: a command without an end was stopped with it. */
  finished?: boolean;
  expanded: boolean | undefined;
  onToggle: (value: boolean) => void;
}) {
  const first = row.start ?? row.output[0] ?? row.end!;
  const cmd = row.start?.payload.cmd ?? row.end?.payload.cmd ?? '(output of an earlier command)';
  const exit = row.end?.payload.exitCode;
  const stopped = Boolean(row.cancelled) || (finished && row.end === undefined);
  const failed = !stopped && exit !== undefined && exit !== 0;
  const open = expanded ?? (row.end === undefined || failed);
  const output = row.output.map((o) => o.payload.chunk).join('');
  const stderr = row.output.some((o) => o.payload.stream === 'stderr');
  return (
    <RowFrame ts={first.ts} seq={first.seq} icon="$" tone={failed ? 'error' : undefined}>
      <div className="flex flex-wrap items-center gap-2">
        <Toggle expanded={open} onToggle={() => onToggle(!open)}>
          <code className="font-mono text-slate-900">{cmd}</code>
        </Toggle>
        {row.start?.payload.cwd && (
          <span className="font-mono text-xs text-slate-500">in {row.start.payload.cwd}</span>
        )}
        {stopped ? (
          <Badge tone="amber">stopped by cancel</Badge>
        ) : row.end ? (
          <Badge tone={failed ? 'red' : 'green'}>
            exit {exit} · {formatDuration(row.end.payload.durationMs)}
          </Badge>
        ) : (
          <Badge tone="blue">running</Badge>
        )}
        {stderr && <Badge tone="amber">stderr</Badge>}
      </div>
      {open && output && (
        <ScrollRegion
          label={`Output of ${cmd}`}
          className="mt-1.5 max-h-96 overflow-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs leading-5 whitespace-pre-wrap text-slate-100"
        >
          <pre className="font-mono whitespace-pre-wrap">
            {row.output.map((o) => (
              <span key={o.seq} className={o.payload.stream === 'stderr' ? 'text-amber-300' : undefined}>
                {o.payload.chunk}
              </span>
            ))}
          </pre>
        </ScrollRegion>
      )}
    </RowFrame>
  );
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
