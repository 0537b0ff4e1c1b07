/**
 * A tiny router on the History API: the current URL as an external store, and `navigate`.
 *
 * Kept instead of a routing library (react-router 7, @tanstack/react-router, wouter were weighed), because:
 * this UI has nine flat routes and no nested layouts, loaders or code splitting, so what a library adds
 * over these four files (this one, link.tsx, use-location.ts, routes.ts: about 140 lines) is the part we
 * would not use. What we do use is small and exact here: `routes.ts` matches a path to a *named* route that
 * pages.tsx switches over with exhaustive types, and its `paths` builders are the only way links are made
 * (a library would still need those typed builders on top); `useLocation` is one `useSyncExternalStore`,
 * which React 19 renders without tearing. wouter is the closest fit (same external-store design) and would
 * replace only this file and link.tsx. Move to @tanstack/react-router if routes gain loaders, search-param
 * schemas or nesting.
 */

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function currentUrl(): string {
  return window.location.pathname + window.location.search;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentUrl()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

/** Changes query parameters of the current URL (undefined or '' removes one). */
export function setSearchParams(
  changes: Record<string, string | undefined>,
  options: { replace?: boolean } = {},
): void {
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  navigate(url.pathname + url.search, options);
}
