import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useCallback, useLayoutEffect, useRef } from 'react';

interface Props<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  renderItem: (item: T) => ReactNode;
  /** Height assumed for rows not measured yet. */
  estimate?: number;
  /** Rows rendered beyond the viewport on each side. */
  overscan?: number;
  className?: string;
  /** Accessible name of the scrolling log. */
  label: string;
}

/** Within this many pixels of the bottom the list counts as at the bottom, and follows new rows. */
const BOTTOM_SLACK = 48;

/**
 * A windowed log with rows of any height, on @tanstack/react-virtual: only the rows near the viewport are
 * in the DOM, each measured once rendered (sizes kept by row key, so older pages added in front keep
 * theirs). It opens at the newest row; while scrolled to the bottom it follows new rows and growing ones
 * (`followOnAppend`), and when the user has scrolled up, the first visible row stays in place as rows are
 * added above or below it (`anchorTo: 'end'`). Rows stay in normal flow between two spacers.
 */
export function VirtualList<T>({
  items,
  itemKey,
  renderItem,
  estimate = 36,
  overscan = 12,
  className,
  label,
}: Props<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const getItemKey = useCallback((index: number) => itemKey(items[index]!), [items, itemKey]);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => estimate,
    getItemKey,
    overscan,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: BOTTOM_SLACK,
    // React 19 warns about flushSync inside its own render phase; a frame's delay does not show here.
    useFlushSync: false,
  });

  // Open at the newest row (the list mounts with its first page already in).
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on mount
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
  }, []);

  const rows = virtualizer.getVirtualItems();
  const before = rows[0]?.start ?? 0;
  const after = Math.max(0, virtualizer.getTotalSize() - (rows.at(-1)?.end ?? 0));

  return (
    <div
      ref={scroller}
      role="log"
      aria-live="off"
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
      className={className}
      // The virtualizer keeps the position itself; the browser's own scroll anchoring would fight it.
      style={{ overflowAnchor: 'none' }}
    >
      <div style={{ height: before }} />
      {rows.map((row) => (
        <div key={row.key} data-index={row.index} ref={virtualizer.measureElement}>
          {renderItem(items[row.index]!)}
        </div>
      ))}
      <div style={{ height: after }} />
    </div>
  );
}
