import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { findProjectByName } from '../../db/projects.ts';

describe.each(DATABASES)('GET /api/projects/{p}/audit (%s)', (database) => {
  let t: TestApp;
  let alice: { authorization: string };

  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
    alice = await t.as('alice');
    const call = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      t.app
        .inject({ method, url, headers: alice, payload })
        .then((r) => expect(r.statusCode, r.body).toBeLessThan(300));
    await call('POST', '/api/projects', { name: 'audited', storage: { kind: 'managed' } });
    await call('PUT', '/api/projects/audited/members/bob', { role: 'view' });
    await call('PUT', '/api/projects/audited/members/bob', { role: 'edit' });
    await call('PUT', '/api/projects/audited/members/group:acme-readers', { role: 'view' });
    await call('DELETE', '/api/projects/audited/members/group:acme-readers');
    await call('PUT', '/api/projects/audited/storage', { kind: 'managed' });
    await call('PUT', '/api/projects/audited/members/carol', { role: 'admin' });
    // Token issuance for a session of this project lands in the same log (written by the token broker).
    const { appendAudit } = await import('../../db/audit.ts');
    const project = (await findProjectByName(t.ctx.db, 'audited'))!;
    await appendAudit(t.ctx.db, {
      actor: 'carol',
      action: 'github.token.issue',
      projectId: project.id,
      target: 'installation:7',
      details: {
        purpose: 'session.push',
        repositories: ['carol/api'],
        permissions: { contents: 'write' },
        expiresAt: '2030-01-01T00:00:00.000Z',
      },
    });
  });
  afterAll(() => t?.close());

  const audit = async (query = '', as = alice) =>
    t.app.inject({ method: 'GET', url: `/api/projects/audited/audit${query}`, headers: as });

  it('records project, membership, storage and token events, newest first, with who, what and the outcome', async () => {
    const res = await audit();
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      action: string;
      actor: string;
      target: string;
      outcome: string;
      details: object;
    }[];
    expect(items.map((e) => e.action)).toEqual([
      'github.token.issue',
      'member.put',
      'storage.set',
      'member.delete',
      'member.put',
      'member.put',
      'member.put',
      'project.create',
    ]);
    expect(items[5]).toMatchObject({
      actor: 'alice',
      target: 'user:bob',
      outcome: 'success',
      details: { role: 'edit', previousRole: 'view' },
    });
    expect(items[3]).toMatchObject({ target: 'group:acme-readers', details: { previousRole: 'view' } });
  });

  it('pages with nextBefore until the log is exhausted', async () => {
    const seen: string[] = [];
    let before = '';
    for (let page = 0; page < 10; page++) {
      const body = (await audit(`?limit=3${before ? `&before=${before}` : ''}`)).json();
      seen.push(...body.items.map((e: { id: string }) => e.id));
      if (!body.nextBefore) break;
      before = body.nextBefore;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it('filters by action and by actor', async () => {
    expect((await audit('?action=member.put')).json().items).toHaveLength(4);
    const carol = (await audit('?actor=carol')).json().items;
    expect(carol.map((e: { action: string }) => e.action)).toEqual(['github.token.issue']);
  });

  it('is for admins only: an edit member is refused naming the capability', async () => {
    const res = await audit('', await t.as('bob'));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/audit\.read.*admin/);
  });
});
