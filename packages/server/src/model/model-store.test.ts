import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAdminUrl } from '../../test/support/postgres.ts';
import { SecretBox } from '../crypto/secret-box.ts';
import { type DatabaseHandle, migrateToLatest, now, openDatabase } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { insertProject } from '../db/projects.ts';
import { upsertUser } from '../db/users.ts';
import { checkBudget } from './budget.ts';
import { effectiveModel, findModelSettings, keyContext, saveModelSettings } from './model-settings-store.ts';
import { PriceTable } from './price-table.ts';
import { monthStart, recordModelRequest, usageByWorkspace, usageTotals } from './usage-store.ts';

const noPlatform = { anthropicBaseUrl: undefined, anthropicApiKey: undefined, defaultModel: undefined };
const adminUrl = postgresAdminUrl();
const backends: [string, () => Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }>][] = [
  ['SQLite', async () => ({ handle: openDatabase({ sqliteFile: ':memory:' }), cleanup: async () => {} })],
];
if (adminUrl) {
  backends.push([
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase(adminUrl);
      return { handle: openDatabase({ databaseUrl: db.url }), cleanup: db.drop };
    },
  ]);
}

describe.each(backends)('model settings and usage on %s', (_name, open) => {
  let handle: DatabaseHandle;
  let cleanup: () => Promise<void>;
  const box = new SecretBox(randomBytes(32));
  const ids = { project: newId(), other: newId(), workspace: newId(), session: newId() };

  beforeAll(async () => {
    ({ handle, cleanup } = await open());
    await migrateToLatest(handle.db);
    const alice = await upsertUser(handle.db, { subject: 'alice', name: 'Alice', email: 'a@x', groups: [] });
    for (const [id, name] of [
      [ids.project, 'acme'],
      [ids.other, 'other'],
    ] as const) {
      await insertProject(
        handle.db,
        {
          id,
          name,
          display_name: name,
          storage_kind: 'managed',
          storage_state: 'ready',
          storage_settings: '{}',
          storage_secret: null,
          storage_error: null,
          created_by: 'alice',
          created_at: now(),
        },
        'alice',
      );
    }
    await handle.db
      .insertInto('workspaces')
      .values({
        id: ids.workspace,
        project_id: ids.project,
        slug: 'w',
        name: 'W',
        upstream_host: 'forge',
        upstream_owner: 'acme',
        upstream_repo: 'umbrella',
        canonical_branch: 'rfe/w',
        feature_slug: null,
        storage_prefix: 'x/',
        created_by: 'alice',
        created_at: now(),
      })
      .execute();
    await handle.db
      .insertInto('sessions')
      .values({
        id: ids.session,
        project_id: ids.project,
        workspace_id: ids.workspace,
        user_id: alice.id,
        kind: 'session',
        adapter: 'claude',
        prompt: 'p',
        input_repo: 'acme/umbrella',
        input_branch: 'rfe/w',
        output_repo: null,
        output_branch: 'rfe/w/s',
        direct_push: 0,
        status: 'running',
        flags: '[]',
        error: null,
        remediation: null,
        created_at: now(),
        started_at: now(),
        finished_at: null,
      })
      .execute();
  });
  afterAll(async () => {
    await handle?.close();
    await cleanup?.();
  });

  it('settings round-trip as numbers (budgets past 2^31 micro-dollars too) and the key opens only for its project', async () => {
    const sealed = box.seal('sk-test-provider-key', keyContext(ids.project));
    await saveModelSettings(handle.db, {
      project_id: ids.project,
      endpoint: 'https://models.example.com',
      api_key_sealed: sealed,
      default_model: 'claude-sonnet-4-5',
      session_budget_micro_usd: 2_500_000,
      session_budget_tokens: 3_000_000_000,
      max_turns: 40,
      monthly_budget_micro_usd: 5_000_000_000,
      key_updated_at: now(),
      updated_by: 'alice',
    });
    const row = (await findModelSettings(handle.db, ids.project))!;
    expect(row.monthly_budget_micro_usd).toBe(5_000_000_000);
    expect(row.session_budget_tokens).toBe(3_000_000_000);
    expect(row.max_turns).toBe(40);
    const effective = effectiveModel(noPlatform, box, ids.project, row);
    expect(effective).toMatchObject({
      apiKey: 'sk-test-provider-key',
      keySource: 'project',
      configured: true,
    });
    expect(() => box.open(sealed, keyContext(ids.other))).toThrow();
    expect(effectiveModel(noPlatform, box, ids.other, undefined)).toMatchObject({
      configured: false,
      keySource: 'none',
    });
    expect(
      effectiveModel({ ...noPlatform, anthropicApiKey: 'platform' }, box, ids.other, undefined).keySource,
    ).toBe('platform');
  });

  it('usage sums per session, project month and workspace, and the budget check refuses at the limit', async () => {
    const prices = new PriceTable({ scripted: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } });
    const usage = { input: 1000, output: 200, cacheRead: 400, cacheWrite: 100 };
    const cost = prices.costMicroUsd('scripted-1', usage);
    expect(cost).toBe(1000 * 3 + 200 * 15 + 400 * 0.3 + 100 * 3.75);
    for (let i = 0; i < 3; i++) {
      await recordModelRequest(handle.db, {
        id: newId(),
        session_id: ids.session,
        project_id: ids.project,
        workspace_id: ids.workspace,
        model: 'scripted-1',
        status: 200,
        input_tokens: usage.input,
        output_tokens: usage.output,
        cache_read_tokens: usage.cacheRead,
        cache_write_tokens: usage.cacheWrite,
        cost_micro_usd: cost,
        latency_ms: 5,
        created_at: now(),
      });
    }
    const session = await usageTotals(handle.db, { sessionId: ids.session });
    expect(session).toEqual({
      requests: 3,
      inputTokens: 3000,
      outputTokens: 600,
      cacheReadTokens: 1200,
      cacheWriteTokens: 300,
      costMicroUsd: 3 * cost,
    });
    const month = await usageTotals(handle.db, { projectId: ids.project, since: monthStart() });
    expect(month.costMicroUsd).toBe(3 * cost);
    expect((await usageTotals(handle.db, { projectId: ids.other })).requests).toBe(0);
    expect(await usageByWorkspace(handle.db, ids.project, monthStart())).toEqual([
      expect.objectContaining({ workspaceId: ids.workspace, requests: 3 }),
    ]);
    const limits = { sessionBudgetMicroUsd: null, sessionBudgetTokens: null, monthlyBudgetMicroUsd: null };
    expect(checkBudget(limits, session, month).ok).toBe(true);
    expect(checkBudget({ ...limits, sessionBudgetMicroUsd: 3 * cost }, session, month)).toMatchObject({
      ok: false,
      scope: 'session',
    });
    expect(checkBudget({ ...limits, sessionBudgetMicroUsd: 3 * cost + 1 }, session, month).ok).toBe(true);
    expect(checkBudget({ ...limits, sessionBudgetTokens: 5100 }, session, month)).toMatchObject({
      ok: false,
    });
    expect(checkBudget({ ...limits, monthlyBudgetMicroUsd: 3 * cost }, session, month)).toMatchObject({
      ok: false,
      scope: 'project',
    });
  });
});
