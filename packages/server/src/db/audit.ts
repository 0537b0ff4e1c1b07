import { type Db, now } from './database.ts';
import { newId } from './ids.ts';
import type { AuditEventsTable } from './schema.ts';

export interface AuditInput {
  actor: string;
  action: string;
  projectId?: string | null;
  target: string;
  outcome?: AuditEventsTable['outcome'];
  /** Never a secret: callers pass identifiers, scopes and expiry times only. */
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  action: string;
  projectId: string | null;
  target: string;
  outcome: AuditEventsTable['outcome'];
  details: Record<string, unknown>;
}

/** Append-only: there is no update or delete for audit rows anywhere in the code base. */
export async function appendAudit(db: Db, e: AuditInput): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: newId(),
      time: now(),
      actor: e.actor,
      action: e.action,
      project_id: e.projectId ?? null,
      target: e.target,
      outcome: e.outcome ?? 'success',
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}

/** Newest first; `before` is the id of the last row of the previous page. */
export async function listAudit(
  db: Db,
  q: { projectId: string; action?: string; actor?: string; before?: string; limit: number },
): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll().where('project_id', '=', q.projectId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.actor) query = query.where('actor', '=', q.actor);
  if (q.before) query = query.where('id', '<', q.before);
  const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    time: r.time,
    actor: r.actor,
    action: r.action,
    projectId: r.project_id,
    target: r.target,
    outcome: r.outcome,
    details: JSON.parse(r.details),
  }));
}
