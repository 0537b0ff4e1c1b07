import { useMemo, useState } from 'react';
import { isApiError } from '../../api/http.ts';
import { isActive, type Session, shortId } from '../../api/sessions.ts';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Notice } from '../../components/notice.tsx';
import { PageHeader, Panel } from '../../components/page.tsx';
import { EmptyState, errorMessage, isNotAvailable } from '../../components/states.tsx';
import { Time } from '../../components/time.tsx';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { type Permission, permission } from '../access/capabilities.ts';
import { sessionInputPermission } from '../access/session-input.ts';
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
  const [confirming, setConfirming] = useState(false);
  const s = meta.data;
  const own = s ? s.user === me.data?.subject : true;
  const canCancel = permission(access.data, own ? 'session.cancel.own' : 'session.cancel.any');
  const canInput = sessionInputPermission(access.data, s?.user, me.data?.subject);
  // Without session details (API not there yet) the stream still works; assume it may be running.
  const active = s ? isActive(s) : true;
  // The agent's questions follow the prompt box's rule; one object per state, so rows are not redrawn.
  const answer = useMemo<Permission>(
    () =>
      !canInput.allowed
        ? { allowed: false, reason: canInput.reason }
        : active
          ? { allowed: true }
          : { allowed: false, reason: 'The session has ended; answers go only to a running session.' },
    [canInput.allowed, canInput.reason, active],
  );

  if (isApiError(meta.error) && meta.error.status === 404 && !meta.error.isMissingRoute) {
    return (
      <EmptyState
        title="Session not found"
        action={
          <Link
            to={paths.project(project, 'sessions')}
            className="text-sm font-medium text-indigo-700 hover:underline"
          >
            See the sessions of {project}
          </Link>
        }
      >
        There is no session {session} in project {project}. It may be in another project, or the address is
        mistyped.
      </EmptyState>
    );
  }

  return (
    <div className="space-y-6">
      <PageHeader
        title={s?.title || `${s?.kind === 'specify' ? 'Specify' : 'Session'} ${shortId(session)}`}
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
                onClick={() => setConfirming(true)}
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
          <span className="break-words">
            {s.kind === 'specify' ? 'Specify' : 'Session'} {shortId(session)} · {s.user} · {s.adapter} ·{' '}
            <Destination session={s} /> · started <Time iso={s.startedAt ?? s.createdAt} />
          </span>
        ) : meta.error && !isNotAvailable(meta.error) ? (
          <span className="text-red-700">{errorMessage(meta.error)}</span>
        ) : null}
      </PageHeader>
      <div aria-live="polite">
        {cancel.error && <Notice tone="error">{errorMessage(cancel.error)}</Notice>}
      </div>
      <ConfirmDialog
        open={confirming}
        title="Cancel this session?"
        confirmLabel="Cancel session"
        keepLabel="Keep running"
        busy={cancel.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => cancel.mutate(undefined, { onSettled: () => setConfirming(false) })}
      >
        <p>
          The runner is stopped now: the command it is running is interrupted and nothing after it runs.
          Commits already pushed stay on their branches; no new pull requests are opened.
        </p>
        <p>The session ends as cancelled and cannot be resumed.</p>
      </ConfirmDialog>
      {s?.status === 'cancelled' && (
        <Notice tone="warning" title="The session was cancelled">
          <p>
            It was stopped on request
            {s.finishedAt ? (
              <>
                {' '}
                at <Time iso={s.finishedAt} />
              </>
            ) : null}
            ; nothing ran after that.
          </p>
        </Notice>
      )}
      {s?.status === 'failed' && s.error && (
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
      <SessionStream
        project={project}
        session={session}
        finished={s ? !active : false}
        answer={answer}
        onMilestone={() => void meta.refetch()}
      />
      <PromptBox project={project} session={session} permission={canInput} active={active} />
    </div>
  );
}

/** Where the session's work goes: a direct push lands on the input branch itself, never a session branch. */
function Destination({ session: s }: { session: Session }) {
  if (s.directPush) {
    return (
      <span>
        pushes directly to <span className="font-mono">{`${s.input.repo}:${s.input.branch}`}</span>
      </span>
    );
  }
  return (
    <span>
      <span className="font-mono">{s.input.branch}</span> →{' '}
      <span className="font-mono">
        {s.output.repo ? `${s.output.repo}:` : ''}
        {s.output.branch}
      </span>
    </span>
  );
}
