import type { Kysely } from 'kysely';

// Submodules a session skipped (inaccessible and optional), for the umbrella PR's remediation checklist.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('skipped_submodules', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('skipped_submodules').execute();
}
