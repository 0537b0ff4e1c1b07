import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractViolations, type RecordedResponse, recordResponses } from '../../test/support/contract.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';

describe('responses conform to the OpenAPI document', () => {
  let t: TestApp;
  let recorded: RecordedResponse[];

  beforeAll(async () => {
    t = await startTestApp({}, {});
  });
  afterAll(() => t?.close());

  it('a walk through every resource produces only documented statuses and bodies', async () => {
    // Hooks must be added before ready(); build a second app on the same context for recording.
    const { buildApp } = await import('../app.ts');
    const app = await buildApp(t.ctx);
    recorded = recordResponses(app);
    await app.ready();
    const alice = await t.as('alice');
    const bob = await t.as('bob');
    const call = (method: string, url: string, headers = alice, payload?: unknown) =>
      app.inject({ method: method as 'GET', url, headers, payload: payload as object });

    await call('GET', '/healthz');
    await call('GET', '/readyz');
    await call('GET', '/api/auth/me');
    await call('GET', '/api/auth/dev-users');
    await call('POST', '/api/projects', alice, { name: 'contract', storage: { kind: 'managed' } });
    await call('POST', '/api/projects', alice, { name: 'contract', storage: { kind: 'managed' } });
    await call('POST', '/api/projects', alice, { name: 'Bad Name', storage: { kind: 'managed' } });
    await call('GET', '/api/projects');
    await call('GET', '/api/projects/contract');
    await call('GET', '/api/projects/contract', bob);
    await call('GET', '/api/projects/contract/access');
    await call('PUT', '/api/projects/contract/members/bob', alice, { role: 'view' });
    await call('PUT', '/api/projects/contract/members/group:acme-readers', alice, { role: 'view' });
    await call('GET', '/api/projects/contract/members', bob);
    await call('PUT', '/api/projects/contract/members/carol', bob, { role: 'admin' });
    await call('DELETE', '/api/projects/contract/members/group:acme-readers');
    await call('GET', '/api/projects/contract/storage');
    await call('GET', '/api/projects/contract/audit');
    await call('GET', '/api/projects/contract/audit', bob);
    await call('POST', '/api/auth/tokens', alice, { name: 'ci' });
    await call('GET', '/api/auth/tokens');
    await call('GET', '/api/projects', { authorization: 'Bearer nope' });
    await app.close();

    expect(recorded.length).toBeGreaterThan(15);
    expect(new Set(recorded.map((r) => r.status))).toEqual(new Set([200, 201, 204, 400, 401, 403, 404, 409]));
    expect(contractViolations(t.app.swagger() as never, recorded)).toEqual([]);
  });
});
