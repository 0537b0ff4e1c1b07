import { useEffect } from 'react';
import { isApiError } from './api/http.ts';
import { Spinner } from './components/button.tsx';
import { ErrorState } from './components/states.tsx';
import { SignInPage } from './features/auth/sign-in-page.tsx';
import { useMe } from './features/auth/use-me.ts';
import { AppShell } from './features/shell/app-shell.tsx';
import { Page } from './pages.tsx';
import { navigate } from './router/history.ts';
import { matchRoute, paths } from './router/routes.ts';
import { useLocation } from './router/use-location.ts';

export function App() {
  const location = useLocation();
  const match = matchRoute(location.pathname);
  const me = useMe();
  const signedOut = isApiError(me.error) && me.error.status === 401;

  useEffect(() => {
    if (signedOut && match.name !== 'signIn') navigate(paths.signIn(location.href), { replace: true });
    if (me.data && match.name === 'signIn')
      navigate(location.search.get('next') ?? paths.projects(), { replace: true });
  }, [signedOut, me.data, match.name, location]);

  // Move focus to the page on navigation, so keyboard and screen-reader users start at the content.
  useEffect(() => {
    if (location.pathname) document.getElementById('main')?.focus({ preventScroll: true });
  }, [location.pathname]);

  if (match.name === 'signIn' || signedOut) return <SignInPage />;
  if (me.isPending) {
    return (
      <div
        role="status"
        className="flex min-h-screen items-center justify-center gap-2 text-sm text-slate-600"
      >
        <Spinner className="text-indigo-600" /> Loading…
      </div>
    );
  }
  if (me.error) {
    return (
      <main id="main" className="mx-auto max-w-lg px-4 py-16">
        <ErrorState error={me.error} title="RFE Workbench is not reachable" retry={() => me.refetch()} />
      </main>
    );
  }
  const section = match.name === 'github' ? 'github' : 'projects';
  return (
    <AppShell user={me.data} project={match.params.p} section={section}>
      <Page match={match} />
    </AppShell>
  );
}
