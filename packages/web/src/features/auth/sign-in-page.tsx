import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { authApi, oidcLoginUrl, type User } from '../../api/auth.ts';
import { buttonClass } from '../../components/button.tsx';
import { Notice } from '../../components/notice.tsx';
import { ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { navigate } from '../../router/history.ts';
import { useLocation } from '../../router/use-location.ts';
import { Avatar } from '../shell/avatar.tsx';
import { BrandMark } from '../shell/brand.tsx';
import { meKey } from './use-me.ts';

/** Only same-site paths are followed after signing in. */
function safeNext(raw: string | null): string {
  return raw?.startsWith('/') && !raw.startsWith('//') ? raw : '/';
}

export function SignInPage() {
  const { search } = useLocation();
  const next = safeNext(search.get('next'));
  const client = useQueryClient();
  const devUsers = useQuery({ queryKey: ['dev-users'], queryFn: authApi.devUsers });
  const login = useMutation({
    mutationFn: (user: User) => authApi.devLogin(user.subject),
    onSuccess: async () => {
      await client.resetQueries({ queryKey: meKey });
      navigate(next, { replace: true });
    },
  });

  useEffect(() => {
    document.title = 'Sign in · RFE Workbench';
  }, []);

  return (
    <main id="main" className="flex min-h-screen items-center justify-center bg-slate-50 px-4 py-12">
      <div className="w-full max-w-md">
        <div className="mb-6 flex items-center justify-center gap-2">
          <BrandMark className="size-9" />
          <span className="text-xl font-semibold tracking-tight text-slate-900">RFE Workbench</span>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
          {devUsers.isPending && <Loading label="Loading sign-in options…" />}
          {devUsers.error && (
            <ErrorState
              error={devUsers.error}
              title="Sign-in options unavailable"
              retry={() => devUsers.refetch()}
            />
          )}
          {devUsers.data?.mode === 'dev' && (
            <>
              <p className="mt-1 text-sm text-slate-600">
                Development mode: pick a seeded user. Anyone who can reach this server can act as any of them.
              </p>
              {login.error && (
                <Notice tone="error" className="mt-4">
                  {errorMessage(login.error)}
                </Notice>
              )}
              <ul className="mt-4 space-y-2" aria-label="Users">
                {devUsers.data.users.map((user) => (
                  <li key={user.subject}>
                    <button
                      type="button"
                      onClick={() => login.mutate(user)}
                      disabled={login.isPending}
                      className="flex w-full items-center gap-3 rounded-lg border border-slate-200 px-3 py-2.5 text-left hover:border-indigo-300 hover:bg-indigo-50/50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
                    >
                      <Avatar name={user.name} />
                      <span className="min-w-0 flex-1">
                        <span className="block text-sm font-medium text-slate-900">
                          Continue as {user.name}
                        </span>
                        <span className="block truncate text-xs text-slate-600">
                          {user.email} · {user.groups.join(', ') || 'no groups'}
                        </span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {devUsers.data?.mode === 'oidc' && (
            <>
              <p className="mt-1 text-sm text-slate-600">Use your organisation's single sign-on.</p>
              <a
                href={`${oidcLoginUrl}?returnTo=${encodeURIComponent(next)}`}
                className={`${buttonClass('primary')} mt-4 w-full`}
              >
                Sign in
              </a>
            </>
          )}
          {devUsers.data?.mode === 'proxy' && (
            <Notice tone="warning" className="mt-4" title="Your sign-in proxy did not identify you">
              This server trusts the identity its authenticating proxy forwards. Open it through that proxy,
              or ask your administrator to check the proxy configuration.
            </Notice>
          )}
        </div>
      </div>
    </main>
  );
}
