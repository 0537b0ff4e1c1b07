import type { Workspace } from '../../api/workspaces.ts';
import {
  EmptyState,
  ErrorState,
  isNotAvailable,
  Loading,
  NotAvailableState,
} from '../../components/states.tsx';
import { useLocation } from '../../router/use-location.ts';
import { Breadcrumbs } from './breadcrumbs.tsx';
import { readBrowseState } from './browse-state.ts';
import { FileList } from './file-list.tsx';
import { FileView } from './file-view.tsx';
import { useTree } from './use-browse.ts';

/** The umbrella repository (and, through submodules, the component repositories) at the canonical branch. */
export function RepoBrowser({ project, workspace }: { project: string; workspace: Workspace }) {
  const { search } = useLocation();
  const state = readBrowseState(search);
  const at = { repo: state.repo, ref: state.ref };
  const tree = useTree(project, workspace.slug, { ...at, path: state.path });

  if (isNotAvailable(tree.error)) return <NotAvailableState feature="Repository browsing" />;
  return (
    <div className="space-y-3">
      <Breadcrumbs workspace={workspace} state={state} />
      <div
        className={
          state.file
            ? 'grid grid-cols-[minmax(0,1fr)] gap-4 lg:grid-cols-[minmax(16rem,1fr)_minmax(0,2.5fr)]'
            : ''
        }
      >
        <div className="min-w-0 self-start overflow-hidden rounded-xl border border-slate-200 bg-white">
          {tree.isPending && (
            <div className="px-4">
              <Loading label="Loading folder…" />
            </div>
          )}
          {tree.error && (
            <div className="p-4">
              <ErrorState
                error={tree.error}
                title="Could not load this folder"
                retry={() => tree.refetch()}
              />
            </div>
          )}
          {tree.data?.entries.length === 0 && (
            <div className="p-4">
              <EmptyState title="This folder is empty" />
            </div>
          )}
          {tree.data && tree.data.entries.length > 0 && (
            <FileList entries={tree.data.entries} state={state} />
          )}
        </div>
        {state.file && <FileView project={project} workspace={workspace} at={{ ...at, path: state.file }} />}
      </div>
    </div>
  );
}
