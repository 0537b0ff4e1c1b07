import { type Db, now } from './database.ts';
import type { MessageLogsTable, SessionsTable } from './schema.ts';

/**
 * Session rows: the minimum messaging needs (create, find, status). The runner issue extends this with
 * the operations that start and finish sessions.
 */

export type SessionStatus = SessionsTable['status'];

export const TERMINAL_STATUSES: readonly SessionStatus[] = ['succeeded', 'failed', 'cancelled'];

export async function insertSession(db: Db, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function findSessionById(db: Db, id: string): Promise<SessionsTable | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A session of this project, or undefined (also when it exists in another project). */
export async function findSessionInProject(
  db: Db,
  projectId: string,
  id: string,
): Promise<SessionsTable | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
}

/** Sets the status; entering `running` stamps started_at, a terminal status stamps finished_at. */
export async function updateSessionStatus(
  db: Db,
  id: string,
  status: SessionStatus,
  patch: Partial<Pick<SessionsTable, 'error' | 'remediation' | 'flags'>> = {},
): Promise<void> {
  const stamp =
    status === 'running'
      ? { started_at: now() }
      : TERMINAL_STATUSES.includes(status)
        ? { finished_at: now() }
        : {};
  await db
    .updateTable('sessions')
    .set({ status, ...stamp, ...patch })
    .where('id', '=', id)
    .execute();
}

/** The message log summary of a session; the object store stays the truth, this row is for listings. */
export async function upsertMessageLogSummary(db: Db, row: MessageLogsTable): Promise<void> {
  const { session_id: _key, ...rest } = row;
  await db
    .insertInto('message_logs')
    .values(row)
    .onConflict((oc) => oc.column('session_id').doUpdateSet(rest))
    .execute();
}

export async function findMessageLogSummary(
  db: Db,
  sessionId: string,
): Promise<MessageLogsTable | undefined> {
  return db.selectFrom('message_logs').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
}
