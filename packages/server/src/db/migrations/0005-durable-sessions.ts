import type { Kysely } from 'kysely';

/**
 * The session's lifecycle lives in the database, not in the process that launched it (issue #12):
 * - `deadline_at`: when the session must be stopped (the timeout), enforced by whichever instance finds it expired;
 * - `launcher_handle`: how to find the runner again (JSON: a process id + its start time, or a Job's namespace/name);
 * - `acted_seq`: the last runner message (log seq) the backend has acted on (pr_intent, error, result);
 * - `result_seq`: the seq of the runner's `result`, once acted on (a session succeeds only with one);
 * - `runner_exit`: the runner's exit as observed (JSON {exitCode, reason}), until the session is settled;
 * - `worker_id` / `worker_until`: the instance processing the log right now (claimed with a conditional UPDATE);
 * - `restarts`: how often a dead runner was started again on its work directory.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per ALTER TABLE: SQLite adds no more at a time.
  for (const [name, type, notNull] of COLUMNS) {
    await db.schema
      .alterTable('sessions')
      .addColumn(name, type, (c) => (notNull ? c.notNull().defaultTo(0) : c))
      .execute();
  }
  await db.schema.createIndex('sessions_by_status').on('sessions').column('status').execute();
}

const COLUMNS: [string, 'text' | 'integer', boolean][] = [
  ['deadline_at', 'text', false],
  ['launcher_handle', 'text', false],
  ['acted_seq', 'integer', true],
  ['result_seq', 'integer', false],
  ['runner_exit', 'text', false],
  ['worker_id', 'text', false],
  ['worker_until', 'text', false],
  ['restarts', 'integer', true],
];

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_by_status').execute();
  for (const [name] of COLUMNS) await db.schema.alterTable('sessions').dropColumn(name).execute();
}
