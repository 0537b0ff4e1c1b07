import { sql } from 'kysely';
import type { RunnerHandle } from '../launchers/launcher.ts';
import { type Db, now } from './database.ts';
import type { SessionsTable } from './schema.ts';
import { type SessionStatus, TERMINAL_STATUSES } from './sessions.ts';

/**
 * The session lifecycle as rows (migration 0005): any instance reads and moves it, every move is a
 * conditional UPDATE so two instances never both act — one claims the session's work (a lease), the
 * terminal status is set once, the message cursor only moves for the lease holder.
 */

export const LIVE_STATUSES: readonly SessionStatus[] = ['queued', 'running'];

export function parseHandle(row: Pick<SessionsTable, 'launcher_handle'>): RunnerHandle | undefined {
  return row.launcher_handle ? (JSON.parse(row.launcher_handle) as RunnerHandle) : undefined;
}

export interface RecordedExit {
  exitCode: number | null;
  reason?: string;
}

export function parseExit(row: Pick<SessionsTable, 'runner_exit'>): RecordedExit | undefined {
  return row.runner_exit ? (JSON.parse(row.runner_exit) as RecordedExit) : undefined;
}

/** Launched: the handle and deadline are recorded and the session is `running` (unless it ended meanwhile). */
export async function markLaunched(
  db: Db,
  id: string,
  handle: RunnerHandle,
  deadlineAt: string,
): Promise<boolean> {
  const res = await db
    .updateTable('sessions')
    .set({
      status: 'running',
      started_at: now(),
      launcher_handle: JSON.stringify(handle),
      deadline_at: deadlineAt,
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** A runner started again on its work directory. */
export async function recordResumed(db: Db, id: string, handle: RunnerHandle): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ launcher_handle: JSON.stringify(handle), runner_exit: null, restarts: sql`restarts + 1` })
    .where('id', '=', id)
    .where('status', 'in', LIVE_STATUSES)
    .execute();
}

export async function recordExit(db: Db, id: string, exit: RecordedExit): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ runner_exit: JSON.stringify(exit) })
    .where('id', '=', id)
    .where('status', 'in', LIVE_STATUSES)
    .execute();
}

/**
 * Claims the session's work for `worker` until `leaseMs` from now: succeeds when nobody holds it, this
 * worker does, or the holder's lease ran out (the instance died). Never for a terminal session.
 */
export async function claimWork(db: Db, id: string, worker: string, leaseMs: number): Promise<boolean> {
  const at = now();
  const res = await db
    .updateTable('sessions')
    .set({ worker_id: worker, worker_until: new Date(Date.now() + leaseMs).toISOString() })
    .where('id', '=', id)
    .where('status', 'in', LIVE_STATUSES)
    .where((eb) =>
      eb.or([eb('worker_id', 'is', null), eb('worker_id', '=', worker), eb('worker_until', '<', at)]),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function releaseWork(db: Db, id: string, worker: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ worker_id: null, worker_until: null })
    .where('id', '=', id)
    .where('worker_id', '=', worker)
    .execute();
}

/** Moves the cursor of acted-on runner messages; false when `worker` no longer holds the work. */
export async function advanceCursor(
  db: Db,
  id: string,
  worker: string,
  patch: { acted_seq: number; result_seq?: number; error?: string; remediation?: string },
): Promise<boolean> {
  const res = await db
    .updateTable('sessions')
    .set(patch)
    .where('id', '=', id)
    .where('worker_id', '=', worker)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Sets a terminal status once: false when the session had already ended. */
export async function endSession(
  db: Db,
  id: string,
  status: SessionStatus,
  patch: Partial<Pick<SessionsTable, 'error' | 'remediation'>> = {},
): Promise<boolean> {
  if (!TERMINAL_STATUSES.includes(status)) throw new Error(`${status} is not a terminal status`);
  const res = await db
    .updateTable('sessions')
    .set({ status, finished_at: now(), worker_id: null, worker_until: null, ...patch })
    .where('id', '=', id)
    .where('status', 'in', LIVE_STATUSES)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function liveSessions(db: Db): Promise<SessionsTable[]> {
  return db.selectFrom('sessions').selectAll().where('status', 'in', LIVE_STATUSES).orderBy('id').execute();
}

/** A runner token is honoured only while its session runs and before its deadline. */
export async function runnerMayConnect(db: Db, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('sessions')
    .select(['status', 'deadline_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || !LIVE_STATUSES.includes(row.status)) return false;
  return !row.deadline_at || Date.parse(row.deadline_at) > Date.now();
}
