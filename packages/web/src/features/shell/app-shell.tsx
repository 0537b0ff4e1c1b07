import type { ReactNode } from 'react';
import type { User } from '../../api/auth.ts';
import { Button } from '../../components/button.tsx';
import { cx } from '../../components/cx.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useSignOut } from '../auth/use-me.ts';
import { Avatar } from './avatar.tsx';
import { BrandMark } from './brand.tsx';
import { GitHubLinkedBanner } from './github-linked-banner.tsx';
import { ProjectSwitcher } from './project-switcher.tsx';

export type Section = 'projects' | 'github' | undefined;

export function AppShell({
  user,
  project,
  section,
  children,
}: {
  user: User;
  project?: string;
  section: Section;
  children: ReactNode;
}) {
  const signOut = useSignOut();
  return (
    <div className="min-h-screen bg-slate-50">
      <a
        href="#main"
        className="sr-only z-50 rounded bg-white px-3 py-2 text-sm font-medium text-indigo-700 focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:outline-2 focus:outline-indigo-600"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2.5 sm:px-6">
          <Link
            to={paths.projects()}
            className="flex items-center gap-2 rounded font-semibold tracking-tight text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            <BrandMark />
            <span>RFE Workbench</span>
          </Link>
          <nav aria-label="Main">
            <ul className="flex items-center gap-1">
              <NavItem to={paths.projects()} active={section === 'projects'}>
                Projects
              </NavItem>
              <NavItem to={paths.github()} active={section === 'github'}>
                GitHub
              </NavItem>
            </ul>
          </nav>
          <div className="ml-auto flex flex-wrap items-center gap-x-4 gap-y-2">
            <ProjectSwitcher current={project} />
            <div className="flex items-center gap-2">
              <Avatar name={user.name} size="sm" />
              <span className="text-sm font-medium text-slate-800 max-sm:sr-only" title={user.email}>
                {user.name}
              </span>
              <Button variant="ghost" size="sm" onClick={() => signOut.mutate()} busy={signOut.isPending}>
                Sign out
              </Button>
            </div>
          </div>
        </div>
      </header>
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto max-w-7xl px-4 py-6 focus:outline-none sm:px-6 sm:py-8"
      >
        <GitHubLinkedBanner />
        {children}
      </main>
    </div>
  );
}

function NavItem({ to, active, children }: { to: string; active: boolean; children: ReactNode }) {
  return (
    <li>
      <Link
        to={to}
        aria-current={active ? 'page' : undefined}
        className={cx(
          'rounded-md px-2.5 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600',
          active ? 'bg-slate-100 text-slate-900' : 'text-slate-600 hover:bg-slate-50 hover:text-slate-900',
        )}
      >
        {children}
      </Link>
    </li>
  );
}
