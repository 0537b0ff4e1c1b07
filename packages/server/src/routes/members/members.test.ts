import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

describe.each(DATABASES)('project members API (%s)', (database) => {
  let t: TestApp;
  const call = async (user: string, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: await t.as(user), payload: payload as object });
  const members = async (user = 'alice') =>
    (await call(user, 'GET', '/api/projects/team/members')).json().items as {
      subject: string;
      kind: string;
      role: string;
    }[];
  const auditActions = async () =>
    (
      (await call('alice', 'GET', '/api/projects/team/audit?limit=100')).json().items as { action: string }[]
    ).map((e) => e.action);

  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
    const res = await call('alice', 'PUT', '/api/projects/team/members/bob', { role: 'edit' });
    expect(res.statusCode).toBe(404); // no such project yet
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await t.as('alice'),
      payload: { name: 'team', storage: { kind: 'managed' } },
    });
    expect(created.statusCode, created.body).toBe(201);
  });
  afterAll(() => t?.close());

  it('the creator is the only member, as admin', async () => {
    expect(await members()).toEqual([
      expect.objectContaining({ subject: 'alice', kind: 'user', role: 'admin' }),
    ]);
  });

  it('adding a member answers 201, changing the role 200, and both are audited with the previous role', async () => {
    const added = await call('alice', 'PUT', '/api/projects/team/members/bob', { role: 'view' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ subject: 'bob', kind: 'user', role: 'view' });
    const changed = await call('alice', 'PUT', '/api/projects/team/members/user:bob', { role: 'edit' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ subject: 'bob', role: 'edit' });
    expect((await members()).find((m) => m.subject === 'bob')?.role).toBe('edit');
    expect((await auditActions()).filter((a) => a === 'member.put')).toHaveLength(2);
  });

  it('groups are members too, distinct from a user of the same name', async () => {
    const res = await call('alice', 'PUT', '/api/projects/team/members/group:bob', { role: 'view' });
    expect(res.statusCode, res.body).toBe(201);
    const bobs = (await members()).filter((m) => m.subject === 'bob');
    expect(bobs.map((m) => `${m.kind}:${m.role}`).sort()).toEqual(['group:view', 'user:edit']);
  });

  it('a member sees the list; a non-member gets 404 and cannot tell the project exists', async () => {
    expect((await members('bob')).length).toBe(3);
    const res = await call('carol', 'GET', '/api/projects/team/members');
    expect(res.statusCode).toBe(404);
  });

  it('an edit member cannot manage members: 403 naming the capability, nothing changed', async () => {
    const before = await members();
    const res = await call('bob', 'PUT', '/api/projects/team/members/carol', { role: 'admin' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/members\.manage/);
    expect(await members()).toEqual(before);
  });

  it('bad roles, bad subjects and extra fields are refused with 400 naming the field', async () => {
    const badRole = await call('alice', 'PUT', '/api/projects/team/members/carol', { role: 'owner' });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().error.message).toMatch(/role/);
    const extra = await call('alice', 'PUT', '/api/projects/team/members/carol', {
      role: 'view',
      admin: true,
    });
    expect(extra.statusCode).toBe(400);
    const badSubject = await call('alice', 'PUT', '/api/projects/team/members/robot:carol', { role: 'view' });
    expect(badSubject.statusCode).toBe(400);
    expect(badSubject.json().error.message).toMatch(/subject/);
    expect((await members()).some((m) => m.subject === 'carol')).toBe(false);
  });

  it('the last admin can be neither demoted nor removed (409 last_admin); with a second admin both work', async () => {
    const demote = await call('alice', 'PUT', '/api/projects/team/members/alice', { role: 'edit' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('last_admin');
    const remove = await call('alice', 'DELETE', '/api/projects/team/members/alice');
    expect(remove.statusCode).toBe(409);
    expect(remove.json().error.code).toBe('last_admin');

    expect((await call('alice', 'PUT', '/api/projects/team/members/bob', { role: 'admin' })).statusCode).toBe(
      200,
    );
    expect(
      (await call('alice', 'PUT', '/api/projects/team/members/alice', { role: 'edit' })).statusCode,
    ).toBe(200);
    expect((await members('bob')).find((m) => m.subject === 'alice')?.role).toBe('edit');
    // alice is no longer admin: she cannot undo it herself.
    expect(
      (await call('alice', 'PUT', '/api/projects/team/members/alice', { role: 'admin' })).statusCode,
    ).toBe(403);
  });

  it('removing a member answers 204 and is audited; removing a non-member answers 404', async () => {
    const res = await call('bob', 'DELETE', '/api/projects/team/members/group:bob');
    expect(res.statusCode, res.body).toBe(204);
    expect((await members('bob')).some((m) => m.kind === 'group')).toBe(false);
    const again = await call('bob', 'DELETE', '/api/projects/team/members/group:bob');
    expect(again.statusCode).toBe(404);
    const actions = (
      (await call('bob', 'GET', '/api/projects/team/audit?limit=100')).json().items as { action: string }[]
    ).map((e) => e.action);
    expect(actions).toContain('member.delete');
  });
});
