import type { ReactNode } from 'react';

/** A scrolling box keyboard users can focus and scroll (axe: scrollable-region-focusable). */
export function ScrollRegion({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
      className={`focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 ${className ?? ''}`}
    >
      {children}
    </section>
  );
}
