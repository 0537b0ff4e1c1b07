import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import {
  EmptyState,
  ErrorState,
  isNotAvailable,
  Loading,
  NotAvailableState,
} from '../../components/states.tsx';
import { Time } from '../../components/time.tsx';
import { navigate } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { usePermission } from '../access/use-access.ts';
import { CreateWorkspaceDialog } from './create-workspace-dialog.tsx';
import { useWorkspaces } from './use-workspaces.ts';

export function WorkspacesTab({ project }: { project: string }) {
  const workspaces = useWorkspaces(project);
  const can = usePermission(project, 'workspace.manage');
  const [open, setOpen] = useState(false);
  const unavailable = isNotAvailable(workspaces.error);
  const create = (
    <Button
      variant="primary"
      onClick={() => setOpen(true)}
      disabledReason={can.allowed ? undefined : can.reason}
      disabled={unavailable}
    >
      New workspace
    </Button>
  );
  return (
    <section aria-labelledby="workspaces-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="workspaces-heading" className="text-lg font-semibold text-slate-900">
          Workspaces
        </h2>
        {create}
      </div>
      {workspaces.isPending && <Loading label="Loading workspaces…" />}
      {workspaces.error &&
        (unavailable ? (
          <NotAvailableState feature="Workspaces" />
        ) : (
          <ErrorState error={workspaces.error} retry={() => workspaces.refetch()} />
        ))}
      {workspaces.data?.length === 0 && (
        <EmptyState title="No workspaces yet">
          A workspace binds one RFE to an umbrella repository and its canonical branch <code>rfe/…</code>.
        </EmptyState>
      )}
      {workspaces.data && workspaces.data.length > 0 && (
        <ul
          className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white"
          aria-label="Workspaces"
        >
          {workspaces.data.map((w) => (
            <li
              key={w.slug}
              className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 hover:bg-slate-50"
            >
              <div className="min-w-0">
                <Link
                  to={paths.workspace(project, w.slug)}
                  className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                >
                  {w.name}
                </Link>
                <p className="font-mono text-xs text-slate-600">
                  {w.upstream.owner}/{w.upstream.repo} · {w.canonicalBranch}
                </p>
              </div>
              <p className="text-xs text-slate-600">
                {w.submodules.length} component{w.submodules.length === 1 ? '' : 's'} · created by{' '}
                {w.createdBy} <Time iso={w.createdAt} />
              </p>
            </li>
          ))}
        </ul>
      )}
      <CreateWorkspaceDialog
        project={project}
        open={open}
        onClose={() => setOpen(false)}
        onCreated={(slug) => {
          setOpen(false);
          navigate(paths.workspace(project, slug));
        }}
      />
    </section>
  );
}
