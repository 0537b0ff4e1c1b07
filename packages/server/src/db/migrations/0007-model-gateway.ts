import type { Kysely } from 'kysely';

/**
 * The model gateway (issue #15): a project's provider endpoint, sealed key, default model and limits; one
 * row per model request the gateway forwarded (usage and cost); and a machine-readable error code on
 * sessions (`budget_exceeded`). Money is integer micro-dollars so sums are exact on both databases.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('project_model_settings')
    .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('endpoint', 'text')
    .addColumn('api_key_sealed', 'text')
    .addColumn('default_model', 'text')
    .addColumn('session_budget_micro_usd', 'bigint')
    .addColumn('session_budget_tokens', 'bigint')
    .addColumn('max_turns', 'integer')
    .addColumn('monthly_budget_micro_usd', 'bigint')
    .addColumn('key_updated_at', 'text')
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('model_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('input_tokens', 'bigint', (c) => c.notNull())
    .addColumn('output_tokens', 'bigint', (c) => c.notNull())
    .addColumn('cache_read_tokens', 'bigint', (c) => c.notNull())
    .addColumn('cache_write_tokens', 'bigint', (c) => c.notNull())
    .addColumn('cost_micro_usd', 'bigint', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('model_requests_session').on('model_requests').column('session_id').execute();
  await db.schema
    .createIndex('model_requests_project_time')
    .on('model_requests')
    .columns(['project_id', 'created_at'])
    .execute();

  await db.schema.alterTable('sessions').addColumn('error_code', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('error_code').execute();
  await db.schema.dropTable('model_requests').execute();
  await db.schema.dropTable('project_model_settings').execute();
}
