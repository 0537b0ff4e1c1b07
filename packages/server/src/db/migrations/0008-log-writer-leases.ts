import type { Kysely } from 'kysely';

// Which instance writes a session's message log (replicas): a lease renewed by its holder; another
// instance takes it over once it is released (the holder yielded) or expired (the holder is gone).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('log_writer_leases')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('instance', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('log_writer_leases').execute();
}
