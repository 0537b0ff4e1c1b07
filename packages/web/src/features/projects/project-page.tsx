import { isApiError } from '../../api/http.ts';
import { PageHeader } from '../../components/page.tsx';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { TabNav } from '../../components/tabs.tsx';
import { Link } from '../../router/link.tsx';
import { type ProjectTab, paths } from '../../router/routes.ts';
import { useAccess } from '../access/use-access.ts';
import { SessionsDashboard } from '../sessions/sessions-dashboard.tsx';
import { WorkspacesTab } from '../workspaces/workspaces-tab.tsx';
import { RoleBadge } from './role-badge.tsx';
import { SettingsTab } from './settings-tab.tsx';
import { StorageBadge } from './storage-badge.tsx';
import { useProject } from './use-project.ts';

const tabs: { tab: ProjectTab; label: string }[] = [
  { tab: 'workspaces', label: 'Workspaces' },
  { tab: 'sessions', label: 'Sessions' },
  { tab: 'settings', label: 'Settings' },
];

export function ProjectPage({ project, tab = 'workspaces' }: { project: string; tab?: string }) {
  const query = useProject(project);
  const access = useAccess(project);

  if (query.isPending) return <Loading label="Loading project…" />;
  if (query.error) {
    if (isApiError(query.error) && query.error.status === 404) {
      return (
        <EmptyState
          title="Project not found"
          action={
            <Link to={paths.projects()} className="text-sm font-medium text-indigo-700 hover:underline">
              Back to projects
            </Link>
          }
        >
          Project “{project}” does not exist, or you are not a member of it.
        </EmptyState>
      );
    }
    return (
      <ErrorState error={query.error} title="Could not load the project" retry={() => query.refetch()} />
    );
  }
  const p = query.data;
  return (
    <>
      <PageHeader
        title={p.displayName}
        kicker={
          <Link to={paths.projects()} className="hover:underline">
            Projects
          </Link>
        }
        actions={
          <>
            {access.data && <RoleBadge role={access.data.role} prefix="Your role: " />}
            <StorageBadge storage={p.storage} />
          </>
        }
      >
        <span className="font-mono">{p.name}</span>
      </PageHeader>
      <TabNav
        label="Project sections"
        tabs={tabs.map((t) => ({ label: t.label, to: paths.project(project, t.tab), active: t.tab === tab }))}
      />
      {tab === 'workspaces' && <WorkspacesTab project={project} />}
      {tab === 'sessions' && <SessionsDashboard project={project} />}
      {tab === 'settings' && <SettingsTab project={p} />}
      {!tabs.some((t) => t.tab === tab) && (
        <EmptyState title="No such section">Pick one of the tabs above.</EmptyState>
      )}
    </>
  );
}
