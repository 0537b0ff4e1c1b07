import { EmptyState } from './components/states.tsx';
import { GitHubPage } from './features/github/github-page.tsx';
import { NewProjectPage } from './features/projects/new-project-page.tsx';
import { ProjectPage } from './features/projects/project-page.tsx';
import { ProjectsPage } from './features/projects/projects-page.tsx';
import { SessionPage } from './features/sessions/session-page.tsx';
import { WorkspacePage } from './features/workspaces/workspace-page.tsx';
import { Link } from './router/link.tsx';
import { type Match, paths } from './router/routes.ts';

/** Which page a route shows. Keys reset page state when the route's parameters change. */
export function Page({ match }: { match: Match }) {
  const { p = '', w = '', s = '', tab } = match.params;
  switch (match.name) {
    case 'projects':
      return <ProjectsPage />;
    case 'newProject':
      return <NewProjectPage />;
    case 'project':
    case 'projectTab':
      return <ProjectPage key={p} project={p} tab={tab} />;
    case 'workspace':
      return <WorkspacePage key={`${p}/${w}`} project={p} workspace={w} view="overview" />;
    case 'workspaceBrowse':
      return <WorkspacePage key={`${p}/${w}`} project={p} workspace={w} view="browse" />;
    case 'session':
      return <SessionPage key={`${p}/${s}`} project={p} session={s} />;
    case 'github':
      return <GitHubPage />;
    default:
      return (
        <EmptyState
          title="Page not found"
          action={
            <Link to={paths.projects()} className="text-sm font-medium text-indigo-700 hover:underline">
              Go to your projects
            </Link>
          }
        >
          There is nothing at this address.
        </EmptyState>
      );
  }
}
