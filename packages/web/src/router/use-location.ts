import { useMemo, useSyncExternalStore } from 'react';
import { currentUrl, subscribe } from './history.ts';

export interface Location {
  pathname: string;
  search: URLSearchParams;
  href: string;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, currentUrl, () => '/');
  return useMemo(() => {
    const url = new URL(href, 'http://local');
    return { pathname: url.pathname, search: url.searchParams, href };
  }, [href]);
}
