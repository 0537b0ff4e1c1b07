import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAdminUrl } from '../../test/support/postgres.ts';
import { appendAudit, listAudit } from './audit.ts';
import { type DatabaseHandle, migrateToLatest, now, openDatabase } from './database.ts';
import {
  countAdmins,
  deleteMember,
  findProjectByName,
  insertProject,
  listProjectsFor,
  putMember,
  roleOf,
} from './projects.ts';
import type { ProjectsTable } from './schema.ts';
import { createApiToken, findUserByApiToken, revokeApiToken, type User, upsertUser } from './users.ts';

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

const project = (name: string, createdBy: string): ProjectsTable => ({
  id: ulid(),
  name,
  display_name: name,
  storage_kind: 'managed',
  storage_state: 'ready',
  storage_settings: JSON.stringify({ kind: 'managed', prefix: `projects/${name}/` }),
  storage_secret: null,
  storage_error: null,
  created_by: createdBy,
  created_at: now(),
});

describe.each(backends)('metadata repositories on %s', (_name, open) => {
  let handle: DatabaseHandle;
  let cleanup: () => Promise<void>;
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    ({ handle, cleanup } = await open());
    await migrateToLatest(handle.db);
    await migrateToLatest(handle.db); // idempotent
    alice = await upsertUser(handle.db, {
      subject: 'alice',
      name: 'Alice',
      email: 'a@x',
      groups: ['maintainers'],
    });
    bob = await upsertUser(handle.db, { subject: 'bob', name: 'Bob', email: 'b@x', groups: ['readers'] });
  });
  afterAll(async () => {
    await handle?.close();
    await cleanup?.();
  });

  it('upserting a user by subject refreshes it instead of duplicating', async () => {
    const again = await upsertUser(handle.db, {
      subject: 'alice',
      name: 'Alice A.',
      email: 'a@x',
      groups: ['maintainers', 'x'],
    });
    expect(again.id).toBe(alice.id);
    const rows = await handle.db.selectFrom('users').selectAll().where('subject', '=', 'alice').execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.groups)).toEqual(['maintainers', 'x']);
  });

  it('API tokens are stored hashed, resolve to their user, and stop working when revoked', async () => {
    const { id, token } = await createApiToken(handle.db, alice.id, 'cli');
    const stored = await handle.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect((await findUserByApiToken(handle.db, token))?.subject).toBe('alice');
    expect(await revokeApiToken(handle.db, alice.id, id)).toBe(true);
    expect(await findUserByApiToken(handle.db, token)).toBeNull();
  });

  it('expired API tokens do not authenticate', async () => {
    const { token } = await createApiToken(handle.db, alice.id, 'short', -1000);
    expect(await findUserByApiToken(handle.db, token)).toBeNull();
  });

  it('a project creator is its admin; roles come from direct and group memberships, the strongest wins', async () => {
    const p = project('alpha', 'alice');
    await handle.db.transaction().execute((trx) => insertProject(trx, p, 'alice'));
    expect(await roleOf(handle.db, p.id, alice)).toBe('admin');
    expect(await roleOf(handle.db, p.id, bob)).toBeNull();
    await putMember(handle.db, { project_id: p.id, subject_kind: 'group', subject: 'readers', role: 'view' });
    expect(await roleOf(handle.db, p.id, bob)).toBe('view');
    expect(
      await putMember(handle.db, { project_id: p.id, subject_kind: 'user', subject: 'bob', role: 'edit' }),
    ).toBe('created');
    expect(await roleOf(handle.db, p.id, bob)).toBe('edit');
    expect((await listProjectsFor(handle.db, bob)).map((x) => x.name)).toEqual(['alpha']);
    expect(await countAdmins(handle.db, p.id)).toBe(1);
    expect(await deleteMember(handle.db, p.id, 'user', 'bob')).toBe(true);
    expect(await roleOf(handle.db, p.id, bob)).toBe('view');
  });

  it('project names are unique', async () => {
    await expect(
      handle.db.insertInto('projects').values(project('alpha', 'bob')).execute(),
    ).rejects.toThrow();
    expect((await findProjectByName(handle.db, 'alpha'))?.created_by).toBe('alice');
  });

  it('workspace slugs are unique per project, and PR links unique per session and repository', async () => {
    const p = (await findProjectByName(handle.db, 'alpha'))!;
    const ws = {
      id: ulid(),
      project_id: p.id,
      slug: 'checkout',
      name: 'Checkout',
      upstream_host: 'forge',
      upstream_owner: 'acme',
      upstream_repo: 'umbrella',
      canonical_branch: 'rfe/checkout',
      feature_slug: null,
      storage_prefix: 'rfe_workflows/x/',
      created_by: 'alice',
      created_at: now(),
    };
    await handle.db.insertInto('workspaces').values(ws).execute();
    await expect(
      handle.db
        .insertInto('workspaces')
        .values({ ...ws, id: ulid() })
        .execute(),
    ).rejects.toThrow();
    const session = {
      id: ulid(),
      project_id: p.id,
      workspace_id: ws.id,
      user_id: alice.id,
      kind: 'session' as const,
      adapter: 'localexec',
      prompt: 'do it',
      input_repo: 'acme/umbrella',
      input_branch: 'rfe/checkout',
      output_repo: 'alice/umbrella',
      output_branch: 'rfe/checkout/session-abc',
      direct_push: 0,
      status: 'queued' as const,
      flags: '[]',
      error: null,
      remediation: null,
      created_at: now(),
      started_at: null,
      finished_at: null,
    };
    await handle.db.insertInto('sessions').values(session).execute();
    const link = {
      id: ulid(),
      session_id: session.id,
      repo: 'acme/api',
      head: 'alice:rfe/checkout/session-abc',
      base: 'main',
      number: 7,
      url: 'http://forge/acme/api/pull/7',
      status: 'open' as const,
      role: 'submodule' as const,
      created_at: now(),
      updated_at: now(),
    };
    await handle.db.insertInto('pr_links').values(link).execute();
    await expect(
      handle.db
        .insertInto('pr_links')
        .values({ ...link, id: ulid() })
        .execute(),
    ).rejects.toThrow();
  });

  it('the audit log pages newest first and filters by action and actor', async () => {
    const p = (await findProjectByName(handle.db, 'alpha'))!;
    for (let i = 0; i < 5; i++) {
      await appendAudit(handle.db, {
        actor: i % 2 ? 'bob' : 'alice',
        action: i < 3 ? 'member.put' : 'storage.set',
        projectId: p.id,
        target: `t${i}`,
      });
    }
    const first = await listAudit(handle.db, { projectId: p.id, limit: 2 });
    expect(first.map((e) => e.target)).toEqual(['t4', 't3']);
    const next = await listAudit(handle.db, { projectId: p.id, limit: 2, before: first[1]!.id });
    expect(next.map((e) => e.target)).toEqual(['t2', 't1']);
    expect(
      (await listAudit(handle.db, { projectId: p.id, limit: 10, action: 'storage.set' })).map(
        (e) => e.target,
      ),
    ).toEqual(['t4', 't3']);
    expect(
      (await listAudit(handle.db, { projectId: p.id, limit: 10, actor: 'bob' })).map((e) => e.target),
    ).toEqual(['t3', 't1']);
  });
});
