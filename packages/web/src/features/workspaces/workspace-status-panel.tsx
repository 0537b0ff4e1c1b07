import type { Workspace } from '../../api/workspaces.ts';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Notice } from '../../components/notice.tsx';
import { Panel } from '../../components/page.tsx';
import { ErrorState, errorMessage, isNotAvailable, Loading } from '../../components/states.tsx';
import { Time } from '../../components/time.tsx';
import { usePermission } from '../access/use-access.ts';
import { useSyncWorkspace, useWorkspaceStatus } from './use-workspaces.ts';

/** Canonical branch status against the upstream's default branch, last sync and "Sync now". */
export function WorkspaceStatusPanel({ project, workspace }: { project: string; workspace: Workspace }) {
  const status = useWorkspaceStatus(project, workspace.slug);
  const sync = useSyncWorkspace(project, workspace.slug);
  const canSync = usePermission(project, 'workspace.sync');
  const s = status.data;
  return (
    <Panel
      id="ws-status"
      title="Canonical branch"
      actions={
        <Button
          size="sm"
          onClick={() => sync.mutate()}
          busy={sync.isPending}
          disabled={isNotAvailable(status.error)}
          disabledReason={canSync.allowed ? undefined : canSync.reason}
        >
          Sync now
        </Button>
      }
    >
      <div aria-live="polite" className="empty:hidden mb-3">
        {sync.error && <Notice tone="error">{errorMessage(sync.error)}</Notice>}
        {sync.isSuccess && <Notice tone="success">Synced with the upstream.</Notice>}
      </div>
      {status.isPending && <Loading label="Loading branch status…" />}
      {status.error &&
        (isNotAvailable(status.error) ? (
          <p className="text-sm text-slate-600">Branch status is not available on this server yet.</p>
        ) : (
          <ErrorState error={status.error} retry={() => status.refetch()} />
        ))}
      {s && (
        <div className="space-y-4">
          {s.warnings.map((w) => (
            <Notice key={w.code} tone="warning" title={/merge/i.test(w.code) ? 'Merge policy' : 'Warning'}>
              {w.message}
            </Notice>
          ))}
          <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
            <Stat label="Head">{s.head ? <span className="font-mono">{s.head.slice(0, 7)}</span> : '—'}</Stat>
            <Stat label={`vs ${s.defaultBranch}`}>
              {s.exists ? (
                <span>
                  <Badge tone="green">{s.aheadBy} ahead</Badge>{' '}
                  <Badge tone="amber">{s.behindBy} behind</Badge>
                </span>
              ) : (
                <Badge tone="red">missing</Badge>
              )}
            </Stat>
            <Stat label="Last activity">
              <Time iso={s.lastActivityAt} />
            </Stat>
            <Stat label="Last sync">
              <Time iso={s.lastSyncAt} /> <span className="text-xs text-slate-600">({s.syncSource})</span>
            </Stat>
          </dl>
          {s.lastCommit && (
            <p className="truncate text-sm text-slate-700">
              <span className="font-mono text-xs text-slate-600">{s.lastCommit.sha.slice(0, 7)}</span>{' '}
              {s.lastCommit.message}
              {s.lastCommit.author && <span className="text-slate-600"> — {s.lastCommit.author}</span>}
            </p>
          )}
          {s.openPullRequests.length > 0 && (
            <div>
              <h3 className="mb-1 text-sm font-medium text-slate-800">
                Open pull requests into {s.canonicalBranch}
              </h3>
              <ul className="space-y-1 text-sm">
                {s.openPullRequests.map((pr) => (
                  <li key={pr.number}>
                    <a
                      href={pr.url}
                      className="text-indigo-700 hover:underline"
                      target="_blank"
                      rel="noreferrer"
                    >
                      #{pr.number} {pr.title}
                    </a>{' '}
                    <span className="font-mono text-xs text-slate-600">{pr.head}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </Panel>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}
