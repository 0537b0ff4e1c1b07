import { setSearchParams } from '../../router/history.ts';

/**
 * Where the browser is, kept in the URL so every view can be linked and reloaded: `repo` and `ref` (empty
 * for the umbrella at its canonical branch), `path` (the folder), `file` (the open file), and `via` (the
 * submodule path in the umbrella we came through, for the breadcrumbs).
 */
export interface BrowseState {
  repo?: string;
  ref?: string;
  path: string;
  file?: string;
  via?: string;
}

export function readBrowseState(search: URLSearchParams): BrowseState {
  return {
    repo: search.get('repo') ?? undefined,
    ref: search.get('ref') ?? undefined,
    path: (search.get('path') ?? '').replace(/^\/+|\/+$/g, ''),
    file: search.get('file') ?? undefined,
    via: search.get('via') ?? undefined,
  };
}

export function goTo(state: Partial<BrowseState>): void {
  setSearchParams({ repo: state.repo, ref: state.ref, path: state.path, file: state.file, via: state.via });
}

export function parentOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}
