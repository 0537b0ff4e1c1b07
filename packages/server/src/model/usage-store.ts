import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { ModelRequestsTable } from '../db/schema.ts';

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costMicroUsd: number;
}

export const totalTokens = (t: UsageTotals): number =>
  t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens;

export async function recordModelRequest(db: Db, row: ModelRequestsTable): Promise<void> {
  await db.insertInto('model_requests').values(row).execute();
}

/** Sums of the recorded requests matching the filter (PostgreSQL sums bigints as numeric text). */
export async function usageTotals(
  db: Db,
  filter: { sessionId?: string; projectId?: string; workspaceId?: string; since?: string },
): Promise<UsageTotals> {
  let q = db
    .selectFrom('model_requests')
    .select([
      sql<string>`count(*)`.as('requests'),
      sql<string>`coalesce(sum(input_tokens), 0)`.as('input'),
      sql<string>`coalesce(sum(output_tokens), 0)`.as('output'),
      sql<string>`coalesce(sum(cache_read_tokens), 0)`.as('cache_read'),
      sql<string>`coalesce(sum(cache_write_tokens), 0)`.as('cache_write'),
      sql<string>`coalesce(sum(cost_micro_usd), 0)`.as('cost'),
    ]);
  if (filter.sessionId) q = q.where('session_id', '=', filter.sessionId);
  if (filter.projectId) q = q.where('project_id', '=', filter.projectId);
  if (filter.workspaceId) q = q.where('workspace_id', '=', filter.workspaceId);
  if (filter.since) q = q.where('created_at', '>=', filter.since);
  const r = await q.executeTakeFirstOrThrow();
  return {
    requests: Number(r.requests),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    cacheReadTokens: Number(r.cache_read),
    cacheWriteTokens: Number(r.cache_write),
    costMicroUsd: Number(r.cost),
  };
}

/** Per-workspace sums of a project's recorded requests. */
export async function usageByWorkspace(
  db: Db,
  projectId: string,
  since?: string,
): Promise<(UsageTotals & { workspaceId: string })[]> {
  let q = db
    .selectFrom('model_requests')
    .select([
      'workspace_id',
      sql<string>`count(*)`.as('requests'),
      sql<string>`coalesce(sum(input_tokens), 0)`.as('input'),
      sql<string>`coalesce(sum(output_tokens), 0)`.as('output'),
      sql<string>`coalesce(sum(cache_read_tokens), 0)`.as('cache_read'),
      sql<string>`coalesce(sum(cache_write_tokens), 0)`.as('cache_write'),
      sql<string>`coalesce(sum(cost_micro_usd), 0)`.as('cost'),
    ])
    .where('project_id', '=', projectId)
    .groupBy('workspace_id');
  if (since) q = q.where('created_at', '>=', since);
  return (await q.execute()).map((r) => ({
    workspaceId: r.workspace_id,
    requests: Number(r.requests),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    cacheReadTokens: Number(r.cache_read),
    cacheWriteTokens: Number(r.cache_write),
    costMicroUsd: Number(r.cost),
  }));
}

/** The first instant of the current calendar month, UTC: monthly budgets reset then. */
export function monthStart(at = new Date()): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)).toISOString();
}
