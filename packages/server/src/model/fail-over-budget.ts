import type { AppContext } from '../context.ts';
import { appendAudit } from '../db/audit.ts';
import type { SessionsTable } from '../db/schema.ts';
import { endSession, parseHandle } from '../db/session-lifecycle.ts';
import { emitBackendMessage } from '../sessions/emit-backend-message.ts';

/**
 * Ends a session the gateway refused for its budget: `failed` with code `budget_exceeded` and the
 * remediation, an `error` in its log, an audit row, then its runner is stopped by its launcher handle.
 * The status is written first (only if the session is still live), so the runner's exit finds the session
 * final and leaves it so; a second refusal for the same session changes nothing.
 */
export async function failSessionOverBudget(
  ctx: AppContext,
  session: SessionsTable,
  reason: { message: string; remediation: string; scope: 'session' | 'project' },
): Promise<void> {
  const error = `Budget exceeded: ${reason.message}`;
  if (!(await endSession(ctx.db, session.id, 'failed', { error, remediation: reason.remediation }))) return;
  await ctx.db
    .updateTable('sessions')
    .set({ error_code: 'budget_exceeded' })
    .where('id', '=', session.id)
    .execute();
  ctx.sessions.metrics.outcomes.inc({ kind: session.kind, status: 'failed' });
  await appendAudit(ctx.db, {
    actor: 'system:model-gateway',
    action: 'session.budget_exceeded',
    projectId: session.project_id,
    target: `session:${session.id}`,
    details: { scope: reason.scope },
  });
  await emitBackendMessage(ctx, session, {
    type: 'error',
    level: 'error',
    payload: { code: 'budget_exceeded', message: `${error} ${reason.remediation}` },
  }).catch((err: Error) =>
    ctx.logger.warn({ err: err.message, session: session.id }, 'budget error not logged'),
  );
  const handle = parseHandle(session);
  if (handle) await ctx.sessions.launcher.stop(session.id, handle, 3000);
}
