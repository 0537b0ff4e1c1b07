import { useState } from 'react';
import { isApiError } from '../../api/http.ts';
import { Button } from '../../components/button.tsx';
import { PageHeader } from '../../components/page.tsx';
import {
  EmptyState,
  ErrorState,
  isNotAvailable,
  Loading,
  NotAvailableState,
} from '../../components/states.tsx';
import { TabNav } from '../../components/tabs.tsx';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { usePermission } from '../access/use-access.ts';
import { RepoBrowser } from '../browser/repo-browser.tsx';
import { SessionList } from '../sessions/session-list.tsx';
import { SpecifyDialog } from '../sessions/specify-dialog.tsx';
import { StartSessionDialog } from '../sessions/start-session-dialog.tsx';
import { useWorkspace } from './use-workspaces.ts';
import { WorkspaceDetails } from './workspace-details.tsx';
import { WorkspaceStatusPanel } from './workspace-status-panel.tsx';

export function WorkspacePage({
  project,
  workspace,
  view,
}: {
  project: string;
  workspace: string;
  view: 'overview' | 'browse';
}) {
  const query = useWorkspace(project, workspace);
  const canStart = usePermission(project, 'session.start');
  const canSpecify = usePermission(project, 'specify.run');
  const [dialog, setDialog] = useState<'start' | 'specify'>();

  const crumbs = (
    <>
      <Link to={paths.project(project)} className="hover:underline">
        {project}
      </Link>{' '}
      / workspaces
    </>
  );
  if (query.isPending) return <Loading label="Loading workspace…" />;
  if (query.error) {
    if (isNotAvailable(query.error)) return <NotAvailableState feature="Workspaces" />;
    if (isApiError(query.error) && query.error.status === 404) {
      return (
        <EmptyState title="Workspace not found">
          There is no workspace “{workspace}” in this project.
        </EmptyState>
      );
    }
    return (
      <ErrorState error={query.error} title="Could not load the workspace" retry={() => query.refetch()} />
    );
  }
  const w = query.data;
  return (
    <>
      <PageHeader
        title={w.name}
        kicker={crumbs}
        actions={
          <>
            <Button
              onClick={() => setDialog('specify')}
              disabledReason={canSpecify.allowed ? undefined : canSpecify.reason}
            >
              Run Specify
            </Button>
            <Button
              variant="primary"
              onClick={() => setDialog('start')}
              disabledReason={canStart.allowed ? undefined : canStart.reason}
            >
              Start session
            </Button>
          </>
        }
      >
        <span className="font-mono">
          {w.upstream.owner}/{w.upstream.repo}
        </span>{' '}
        · canonical <span className="font-mono">{w.canonicalBranch}</span>
      </PageHeader>
      <TabNav
        label="Workspace sections"
        tabs={[
          { label: 'Overview', to: paths.workspace(project, workspace), active: view === 'overview' },
          { label: 'Repository', to: paths.browse(project, workspace), active: view === 'browse' },
        ]}
      />
      {view === 'overview' ? (
        <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <div className="space-y-6">
            <WorkspaceStatusPanel project={project} workspace={w} />
            <section aria-labelledby="ws-sessions" className="space-y-3">
              <h2 id="ws-sessions" className="text-base font-semibold text-slate-900">
                Sessions and pull requests
              </h2>
              <SessionList project={project} filter={{ workspace: w.slug }} />
            </section>
          </div>
          <WorkspaceDetails project={project} workspace={w} />
        </div>
      ) : (
        <RepoBrowser project={project} workspace={w} />
      )}
      <StartSessionDialog
        project={project}
        workspace={w}
        open={dialog === 'start'}
        onClose={() => setDialog(undefined)}
      />
      <SpecifyDialog
        project={project}
        workspace={w}
        open={dialog === 'specify'}
        onClose={() => setDialog(undefined)}
      />
    </>
  );
}
