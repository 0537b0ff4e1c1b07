import { useState } from 'react';
import { githubInstallUrl } from '../../api/github.ts';
import { Badge } from '../../components/badge.tsx';
import { Button, buttonClass } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Notice } from '../../components/notice.tsx';
import { Panel } from '../../components/page.tsx';
import {
  ErrorState,
  errorMessage,
  isNotAvailable,
  Loading,
  NotAvailableState,
} from '../../components/states.tsx';
import { Time } from '../../components/time.tsx';
import { useGitHubStatus, useUnlinkGitHub } from './use-github.ts';

/** The signed-in user's GitHub link: status, connect (the App install flow) and disconnect. */
export function GitHubStatusPanel() {
  const status = useGitHubStatus();
  const unlink = useUnlinkGitHub();
  const linked = status.data?.linked === true;
  const [confirming, setConfirming] = useState(false);
  return (
    <Panel
      id="github-link"
      title="GitHub connection"
      description="Sessions push to your forks and open pull requests as you, through the RFE Workbench GitHub App."
      actions={
        status.data && (
          <Badge tone={linked ? 'green' : 'gray'}>{linked ? 'Connected' : 'Not connected'}</Badge>
        )
      }
    >
      {status.isPending && <Loading label="Checking your GitHub connection…" />}
      {status.error &&
        (isNotAvailable(status.error) ? (
          <NotAvailableState feature="GitHub connections" />
        ) : (
          <ErrorState error={status.error} retry={() => status.refetch()} />
        ))}
      {status.data && !linked && (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            Connect your GitHub account and install the App on the accounts whose forks sessions should push
            to. You come back here when it is done.
          </p>
          {/* A full page load: the install flow runs through GitHub's pages. */}
          <a href={githubInstallUrl} className={buttonClass('primary')}>
            Connect GitHub
          </a>
        </div>
      )}
      {status.data && linked && (
        <div className="space-y-4">
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-600">Account</dt>
            <dd className="font-medium text-slate-900">@{status.data.login}</dd>
            <dt className="text-slate-600">Host</dt>
            <dd className="font-mono text-slate-900">{status.data.host ?? '—'}</dd>
            <dt className="text-slate-600">Installations</dt>
            <dd className="text-slate-900">{status.data.installationIds?.length ?? 0}</dd>
            <dt className="text-slate-600">Last updated</dt>
            <dd className="text-slate-900">
              <Time iso={status.data.updatedAt} />
            </dd>
          </dl>
          <div aria-live="polite">
            {unlink.error && <Notice tone="error">{errorMessage(unlink.error)}</Notice>}
          </div>
          <div className="flex flex-wrap gap-2">
            <a href={githubInstallUrl} className={buttonClass('secondary')}>
              Add an installation
            </a>
            <Button variant="danger" onClick={() => setConfirming(true)}>
              Disconnect
            </Button>
          </div>
          <ConfirmDialog
            open={confirming}
            title={`Disconnect @${status.data.login}?`}
            confirmLabel="Disconnect GitHub"
            busy={unlink.isPending}
            onClose={() => setConfirming(false)}
            onConfirm={() => unlink.mutate(undefined, { onSettled: () => setConfirming(false) })}
          >
            <p>
              RFE Workbench forgets your link to @{status.data.login}: you can no longer start sessions, run
              Specify or create workspaces until you connect again.
            </p>
            <p>The App stays installed on GitHub and your forks and pull requests stay as they are.</p>
          </ConfirmDialog>
        </div>
      )}
    </Panel>
  );
}
