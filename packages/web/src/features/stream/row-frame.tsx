import type { ReactNode } from 'react';
import { cx } from '../../components/cx.ts';

const clock = new Intl.DateTimeFormat('en', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** The common shape of a stream row: time, an icon column, the body. */
export function RowFrame({
  ts,
  seq,
  icon,
  tone,
  children,
}: {
  ts: string;
  seq: number;
  icon: ReactNode;
  tone?: 'warn' | 'error';
  children: ReactNode;
}) {
  return (
    <div
      data-seq={seq}
      className={cx(
        'flex gap-3 border-b border-slate-100 px-3 py-1.5 text-sm',
        tone === 'error' && 'bg-red-50/60',
        tone === 'warn' && 'bg-amber-50/60',
      )}
    >
      <time
        dateTime={ts}
        title={`#${seq} · ${ts}`}
        className="w-16 shrink-0 pt-0.5 font-mono text-xs text-slate-500 tabular-nums"
      >
        {clock.format(new Date(ts))}
      </time>
      <span aria-hidden="true" className="w-4 shrink-0 pt-0.5 text-center text-xs">
        {icon}
      </span>
      <div className="min-w-0 flex-1">{children}</div>
    </div>
  );
}

/** A button that shows or hides a row's details; state lives outside the row (rows are recycled). */
export function Toggle({
  expanded,
  onToggle,
  children,
}: {
  expanded: boolean;
  onToggle: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-expanded={expanded}
      onClick={onToggle}
      className="inline-flex items-center gap-1 rounded text-left hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <svg
        className={cx('size-3 shrink-0 transition-transform', expanded && 'rotate-90')}
        viewBox="0 0 20 20"
        fill="currentColor"
        aria-hidden="true"
      >
        <path d="M7.2 4.2a.75.75 0 0 1 1.06 0l5.25 5.27a.75.75 0 0 1 0 1.06L8.26 15.8a.75.75 0 1 1-1.06-1.06L11.92 10 7.2 5.27a.75.75 0 0 1 0-1.06Z" />
      </svg>
      {children}
    </button>
  );
}
