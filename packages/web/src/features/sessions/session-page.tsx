import { isActive, shortId } from '../../api/sessions.ts';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Notice } from '../../components/notice.tsx';
import { PageHeader, Panel } from '../../components/page.tsx';
import { errorMessage, isNotAvailable } from '../../components/states.tsx';
import { Time } from '../../components/time.tsx';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { permission } from '../access/capabilities.ts';
import { useAccess } from '../access/use-access.ts';
import { useMe } from '../auth/use-me.ts';
import { SessionUsage } from '../model/session-usage.tsx';
import { PromptBox } from '../stream/prompt-box.tsx';
import { SessionStream } from '../stream/session-stream.tsx';
import { PRGroup } from './pr-group.tsx';
import { SessionStatusBadge } from './session-status-badge.tsx';
import { useCancelSession, useSession } from './use-sessions.ts';

export function SessionPage({ project, session }: { project: string; session: string }) {
  const meta = useSession(project, session);
  const access = useAccess(project);
  const me = useMe();
  const cancel = useCancelSession(project, session);
  const s = meta.data;
  const own = s ? s.user === me.data?.subject : true;
  const canCancel = permission(access.data, own ? 'session.cancel.own' : 'session.cancel.any');
  const canInput = permission(access.data, 'session.input');
  // Without session details (API not there yet) the stream still works; assume it may be running.
  const active = s ? isActive(s) : true;

  return (
    <div className="space-y-6">
      <PageHeader
        title={`${s?.kind === 'specify' ? 'Specify' : 'Session'} ${shortId(session)}`}
        kicker={
          <>
            <Link to={paths.project(project, 'sessions')} className="hover:underline">
              {project} / sessions
            </Link>
            {s && (
              <>
                {' · '}
                <Link to={paths.workspace(project, s.workspace)} className="hover:underline">
                  {s.workspace}
                </Link>
              </>
            )}
          </>
        }
        actions={
          <>
            {s && <SessionStatusBadge status={s.status} />}
            {active && (
              <Button
                variant="danger"
                onClick={() => cancel.mutate()}
                busy={cancel.isPending}
                disabledReason={canCancel.allowed ? undefined : canCancel.reason}
              >
                Cancel session
              </Button>
            )}
          </>
        }
      >
        {s ? (
          <span>
            {s.user} · {s.adapter} · <span className="font-mono">{s.input.branch}</span> →{' '}
            <span className="font-mono">
              {s.output.repo ? `${s.output.repo}:` : ''}
              {s.output.branch}
            </span>{' '}
            · started <Time iso={s.startedAt ?? s.createdAt} />
          </span>
        ) : meta.error && !isNotAvailable(meta.error) ? (
          <span className="text-red-700">{errorMessage(meta.error)}</span>
        ) : null}
      </PageHeader>
      <div aria-live="polite">
        {cancel.error && <Notice tone="error">{errorMessage(cancel.error)}</Notice>}
      </div>
      {s?.error && (
        <Notice tone="error" title="The session failed">
          <p>{s.error}</p>
          {s.remediation && <p className="mt-1 whitespace-pre-wrap">{s.remediation}</p>}
        </Notice>
      )}
      {s && s.skippedSubmodules.length > 0 && (
        <Notice tone="warning" title="Some submodules were skipped">
          <ul className="list-disc pl-5">
            {s.skippedSubmodules.map((m) => (
              <li key={m.path}>
                <span className="font-mono">{m.path}</span> ({m.repo}): {m.reason}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {s && s.flags.length > 0 && (
        <div className="flex flex-wrap gap-2">
          {s.flags.map((f) => (
            <Badge key={f} tone="amber">
              {f}
            </Badge>
          ))}
        </div>
      )}
      {s && (
        <Panel
          id="session-prs"
          title="Pull requests"
          description="One per changed repository: the umbrella and each changed submodule."
        >
          <PRGroup prs={s.pullRequests} />
        </Panel>
      )}
      <SessionUsage project={project} session={session} live={active} />
      <SessionStream project={project} session={session} onMilestone={() => void meta.refetch()} />
      <PromptBox project={project} session={session} permission={canInput} active={active} />
    </div>
  );
}
