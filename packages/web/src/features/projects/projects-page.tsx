import { useQuery } from '@tanstack/react-query';
import { projectsApi } from '../../api/projects.ts';
import { buttonClass } from '../../components/button.tsx';
import { PageHeader } from '../../components/page.tsx';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { Time } from '../../components/time.tsx';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { projectsKey } from './query-keys.ts';
import { StorageBadge } from './storage-badge.tsx';

export function ProjectsPage() {
  const projects = useQuery({ queryKey: projectsKey, queryFn: projectsApi.list });
  const newProject = (
    <Link to={paths.newProject()} className={buttonClass('primary')}>
      New project
    </Link>
  );
  return (
    <>
      <PageHeader title="Projects" actions={newProject}>
        Projects you are a member of. Each has its own storage, members and workspaces.
      </PageHeader>
      {projects.isPending && <Loading label="Loading projects…" />}
      {projects.error && (
        <ErrorState error={projects.error} title="Could not load projects" retry={() => projects.refetch()} />
      )}
      {projects.data?.length === 0 && (
        <EmptyState title="No projects yet" action={newProject}>
          Create a project to hold your RFE workspaces, or ask an admin of an existing project to add you.
        </EmptyState>
      )}
      {projects.data && projects.data.length > 0 && (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Projects">
          {projects.data.map((p) => (
            <li key={p.name}>
              <Link
                to={paths.project(p.name)}
                className="block h-full rounded-xl border border-slate-200 bg-white p-4 shadow-xs transition hover:border-indigo-300 hover:shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
              >
                <div className="flex items-start justify-between gap-2">
                  <div className="min-w-0">
                    <p className="truncate font-semibold text-slate-900">{p.displayName}</p>
                    <p className="truncate font-mono text-xs text-slate-600">{p.name}</p>
                  </div>
                  <StorageBadge storage={p.storage} />
                </div>
                <p className="mt-4 text-xs text-slate-600">
                  Created by {p.createdBy} · <Time iso={p.createdAt} />
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
