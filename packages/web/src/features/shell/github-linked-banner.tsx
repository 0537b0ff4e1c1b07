import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Notice } from '../../components/notice.tsx';
import { setSearchParams } from '../../router/history.ts';
import { useLocation } from '../../router/use-location.ts';
import { githubStatusKey, useGitHubStatus } from '../github/use-github.ts';

/** The GitHub install flow ends on `/?github=linked` (or `?github=error&message=…`); say how it went. */
export function GitHubLinkedBanner() {
  const { search } = useLocation();
  const outcome = search.get('github');
  const client = useQueryClient();
  const status = useGitHubStatus();
  const login = status.data?.linked ? status.data.login : undefined;

  useEffect(() => {
    if (outcome) void client.invalidateQueries({ queryKey: githubStatusKey });
  }, [outcome, client]);

  if (!outcome) return null;
  const dismiss = () => setSearchParams({ github: undefined, message: undefined }, { replace: true });
  if (outcome === 'linked') {
    return (
      <Notice
        tone="success"
        title={login ? `GitHub account @${login} linked` : 'GitHub account linked'}
        onDismiss={dismiss}
        className="mb-6"
      >
        {login
          ? `Sessions now push to @${login}'s forks and open pull requests as @${login}. Not you? Disconnect it on the GitHub page and sign in to GitHub as yourself.`
          : 'Sessions can now push to your forks and open pull requests as you.'}
      </Notice>
    );
  }
  return (
    <Notice tone="error" title="GitHub linking did not complete" onDismiss={dismiss} className="mb-6">
      {search.get('message') ?? 'Try again from the GitHub page.'}
    </Notice>
  );
}
