import {
  type ReactNode,
  type UIEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

interface Props<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  renderItem: (item: T) => ReactNode;
  /** Height assumed for rows not measured yet. */
  estimate?: number;
  /** Rows rendered beyond the viewport on each side, in pixels. */
  overscan?: number;
  className?: string;
  /** Accessible name of the scrolling log. */
  label: string;
}

const BOTTOM_SLACK = 48;

/**
 * A windowed list with rows of any height: only the rows near the viewport are in the DOM, each
 * measured once rendered. It follows new rows while scrolled to the bottom, and keeps the first visible
 * row in place when rows are added above it (older history) or change height.
 */
export function VirtualList<T>({
  items,
  itemKey,
  renderItem,
  estimate = 36,
  overscan = 600,
  className,
  label,
}: Props<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });
  const atBottom = useRef(true);
  const anchor = useRef<{ key: string; delta: number } | undefined>(undefined);

  const keys = useMemo(() => items.map(itemKey), [items, itemKey]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `measured` changes whenever a row's height does
  const offsets = useMemo(() => {
    const out = new Array<number>(keys.length + 1);
    out[0] = 0;
    for (let i = 0; i < keys.length; i++) out[i + 1] = out[i]! + (heights.current.get(keys[i]!) ?? estimate);
    return out;
  }, [keys, estimate, measured]);

  const total = offsets[keys.length] ?? 0;
  const first = Math.max(0, lowerBound(offsets, viewport.top - overscan) - 1);
  const last = Math.min(keys.length, lowerBound(offsets, viewport.top + viewport.height + overscan) + 1);

  const observer = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const entry of entries) {
              const key = (entry.target as HTMLElement).dataset.key;
              const h = Math.ceil(
                entry.borderBoxSize?.[0]?.blockSize ?? entry.target.getBoundingClientRect().height,
              );
              if (key && h > 0 && heights.current.get(key) !== h) {
                heights.current.set(key, h);
                changed = true;
              }
            }
            if (changed) setMeasured((n) => n + 1);
          }),
    [],
  );
  useEffect(() => () => observer?.disconnect(), [observer]);

  const measure = useCallback(
    (el: HTMLDivElement | null) => {
      if (!el || !observer) return;
      observer.observe(el);
      return () => observer.unobserve(el);
    },
    [observer],
  );

  // Before the DOM changes we cannot hook in, so remember the anchor on every scroll and render.
  const rememberAnchor = () => {
    const el = scroller.current;
    if (!el) return;
    const i = Math.max(0, lowerBound(offsets, el.scrollTop + 1) - 1);
    const key = keys[i];
    anchor.current = key === undefined ? undefined : { key, delta: el.scrollTop - offsets[i]! };
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    } else if (anchor.current) {
      const i = keys.indexOf(anchor.current.key);
      if (i >= 0) {
        const wanted = offsets[i]! + anchor.current.delta;
        if (Math.abs(el.scrollTop - wanted) > 1) el.scrollTop = wanted;
      }
    }
    rememberAnchor();
  });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    update();
    const ro = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(update);
    ro?.observe(el);
    return () => ro?.disconnect();
  }, []);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const el = event.currentTarget;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    rememberAnchor();
    setViewport({ top: el.scrollTop, height: el.clientHeight });
  };

  return (
    <div
      ref={scroller}
      onScroll={onScroll}
      role="log"
      aria-live="off"
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
      className={className}
    >
      <div style={{ height: offsets[first] }} />
      {keys.slice(first, last).map((key, j) => (
        <div key={key} data-key={key} ref={measure}>
          {renderItem(items[first + j]!)}
        </div>
      ))}
      <div style={{ height: Math.max(0, total - (offsets[last] ?? total)) }} />
    </div>
  );
}

/** The first index whose value is ≥ target in an ascending array. */
function lowerBound(values: number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
