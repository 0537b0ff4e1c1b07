import type { ReactNode } from 'react';
import { cx } from './cx.ts';

export type BadgeTone = 'gray' | 'green' | 'blue' | 'amber' | 'red' | 'indigo' | 'purple';

const tones: Record<BadgeTone, string> = {
  gray: 'bg-slate-100 text-slate-700 ring-slate-300',
  green: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  blue: 'bg-sky-50 text-sky-800 ring-sky-300',
  amber: 'bg-amber-50 text-amber-900 ring-amber-300',
  red: 'bg-red-50 text-red-800 ring-red-300',
  indigo: 'bg-indigo-50 text-indigo-800 ring-indigo-300',
  purple: 'bg-purple-50 text-purple-800 ring-purple-300',
};

export function Badge({
  tone = 'gray',
  children,
  className,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={cx(
        'inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        tones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}
