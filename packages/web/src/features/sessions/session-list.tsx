import { type SessionFilter, shortId } from '../../api/sessions.ts';
import { Badge } from '../../components/badge.tsx';
import {
  EmptyState,
  ErrorState,
  isNotAvailable,
  Loading,
  NotAvailableState,
} from '../../components/states.tsx';
import { Time } from '../../components/time.tsx';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { PRGroup } from './pr-group.tsx';
import { SessionStatusBadge } from './session-status-badge.tsx';
import { useSessions } from './use-sessions.ts';

/** Sessions with their status and their pull requests grouped per session; refreshed while any runs. */
export function SessionList({ project, filter }: { project: string; filter?: SessionFilter }) {
  const sessions = useSessions(project, filter);
  if (sessions.isPending) return <Loading label="Loading sessions…" />;
  if (sessions.error) {
    return isNotAvailable(sessions.error) ? (
      <NotAvailableState feature="Sessions" />
    ) : (
      <ErrorState error={sessions.error} retry={() => sessions.refetch()} />
    );
  }
  if (sessions.data.length === 0) {
    return (
      <EmptyState title="No sessions yet">
        Sessions started on a workspace, with their pull requests, show up here.
      </EmptyState>
    );
  }
  return (
    <ul className="space-y-3" aria-label="Sessions">
      {sessions.data.map((s) => (
        <li key={s.id} className="rounded-xl border border-slate-200 bg-white p-4 shadow-xs">
          <div className="flex flex-wrap items-start justify-between gap-2">
            <div className="min-w-0">
              <Link to={paths.session(project, s.id)} className="font-medium text-indigo-700 hover:underline">
                {s.title || `${s.kind === 'specify' ? 'Specify' : 'Session'} ${shortId(s.id)}`}
              </Link>
              <p className="line-clamp-2 text-sm whitespace-pre-line text-slate-700">{s.prompt}</p>
            </div>
            <div className="flex flex-wrap items-center gap-1.5">
              {s.flags.map((f) => (
                <Badge key={f} tone="amber">
                  {f}
                </Badge>
              ))}
              <SessionStatusBadge status={s.status} />
            </div>
          </div>
          <p className="mt-1 text-xs text-slate-600">
            {s.kind === 'specify' ? 'Specify' : 'Session'} {shortId(s.id)} · {s.user} · {s.adapter} ·{' '}
            {s.workspace} ·{' '}
            <span className="font-mono break-all">
              {s.directPush ? `direct push to ${s.input.branch}` : s.output.branch}
            </span>{' '}
            · started <Time iso={s.startedAt ?? s.createdAt} />
          </p>
          {s.status === 'failed' && s.error && <p className="mt-2 text-sm text-red-700">{s.error}</p>}
          <div className="mt-3">
            <PRGroup prs={s.pullRequests} />
          </div>
        </li>
      ))}
    </ul>
  );
}
