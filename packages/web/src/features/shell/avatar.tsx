import { cx } from '../../components/cx.ts';

const palette = [
  'bg-indigo-700',
  'bg-emerald-700',
  'bg-amber-700',
  'bg-rose-700',
  'bg-sky-700',
  'bg-violet-700',
];

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase();
}

function colour(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}

/** Decorative initials; the name is always written next to it. */
export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' }) {
  return (
    <span
      aria-hidden="true"
      className={cx(
        'inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white',
        size === 'sm' ? 'size-7 text-xs' : 'size-9 text-sm',
        colour(name),
      )}
    >
      {initials(name)}
    </span>
  );
}
