import type { TreeEntry } from '../../api/workspaces.ts';
import { Badge } from '../../components/badge.tsx';
import { cx } from '../../components/cx.ts';
import { type BrowseState, goTo, parentOf } from './browse-state.ts';

const order = { dir: 0, submodule: 1, file: 2, symlink: 2 } as const;

/** One folder's entries: folders first, submodules marked and openable as their own repository. */
export function FileList({ entries, state }: { entries: TreeEntry[]; state: BrowseState }) {
  const sorted = [...entries].sort((a, b) => order[a.type] - order[b.type] || a.name.localeCompare(b.name));
  const here = { repo: state.repo, ref: state.ref, via: state.via };
  const open = (e: TreeEntry) => {
    if (e.type === 'dir') goTo({ ...here, path: e.path });
    else if (e.type === 'file') goTo({ ...here, path: state.path, file: e.path });
    else if (e.submodule?.accessible && e.submodule.repo)
      goTo({ repo: e.submodule.repo, ref: e.submodule.sha, path: '', via: state.repo ? state.via : e.path });
  };
  return (
    <ul className="divide-y divide-slate-100 text-sm" aria-label="Files">
      {state.path && (
        <li>
          <button
            type="button"
            onClick={() => goTo({ ...here, path: parentOf(state.path) })}
            className={rowClass(false)}
          >
            <FolderIcon />
            <span className="font-mono">..</span>
            <span className="sr-only">Parent folder</span>
          </button>
        </li>
      )}
      {sorted.map((e) => {
        const inaccessible = e.type === 'submodule' && !e.submodule?.accessible;
        return (
          <li key={e.path}>
            <button
              type="button"
              onClick={() => open(e)}
              disabled={inaccessible}
              aria-current={state.file === e.path ? 'true' : undefined}
              className={rowClass(state.file === e.path)}
            >
              {e.type === 'file' ? <FileIcon /> : e.type === 'dir' ? <FolderIcon /> : <SubmoduleIcon />}
              <span className="min-w-0 flex-1 truncate font-mono">{e.name}</span>
              {e.type === 'submodule' && (
                <span className="flex shrink-0 items-center gap-1.5">
                  <Badge tone={inaccessible ? 'red' : 'purple'}>
                    {inaccessible ? 'submodule · inaccessible' : 'submodule'}
                  </Badge>
                  {e.submodule && (
                    <span className="font-mono text-xs text-slate-600 max-sm:hidden">
                      {e.submodule.repo} @ {e.submodule.sha.slice(0, 7)}
                    </span>
                  )}
                </span>
              )}
            </button>
            {inaccessible && e.submodule?.reason && (
              <p className="px-9 pb-2 text-xs text-red-700">{e.submodule.reason}</p>
            )}
          </li>
        );
      })}
    </ul>
  );
}

const rowClass = (active: boolean) =>
  cx(
    'flex w-full items-center gap-2 px-3 py-1.5 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600',
    'disabled:cursor-not-allowed disabled:text-slate-500 disabled:hover:bg-transparent',
    active && 'bg-indigo-50 text-indigo-900',
  );

const FolderIcon = () => (
  <svg className="size-4 shrink-0 text-sky-600" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
    <path d="M3.75 3A1.75 1.75 0 0 0 2 4.75v10.5c0 .97.78 1.75 1.75 1.75h12.5c.97 0 1.75-.78 1.75-1.75v-8.5A1.75 1.75 0 0 0 16.25 5h-5.88L8.94 3.57A1.75 1.75 0 0 0 7.7 3H3.75Z" />
  </svg>
);
const FileIcon = () => (
  <svg className="size-4 shrink-0 text-slate-500" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
    <path d="M4 3.5A1.5 1.5 0 0 1 5.5 2h5.38a1.5 1.5 0 0 1 1.06.44l3.62 3.62a1.5 1.5 0 0 1 .44 1.06v9.38a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 4 16.5v-13Z" />
  </svg>
);
const SubmoduleIcon = () => (
  <svg className="size-4 shrink-0 text-purple-600" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
    <path d="M10 2a2.5 2.5 0 0 0-1 4.79V9H6.5A2.5 2.5 0 0 0 4 11.5v1.71a2.5 2.5 0 1 0 1.5 0V11.5a1 1 0 0 1 1-1h7a1 1 0 0 1 1 1v1.71a2.5 2.5 0 1 0 1.5 0V11.5A2.5 2.5 0 0 0 13.5 9H11V6.79A2.5 2.5 0 0 0 10 2Z" />
  </svg>
);
