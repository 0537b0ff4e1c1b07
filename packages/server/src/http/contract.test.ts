import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contractViolations,
  type OpenApiDoc,
  type RecordedResponse,
  recordResponses,
} from '../../test/support/contract.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';

// Every suite built on startTestApp checks its own responses the same way when it closes (test-app.ts).
describe('responses conform to the OpenAPI document', () => {
  let t: TestApp;
  let recorded: RecordedResponse[];

  beforeAll(async () => {
    t = await startTestApp({}, {});
  });
  afterAll(() => t?.close());

  it('a walk through projects, members, storage, audit and tokens produces only documented statuses and bodies', async () => {
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

  it('the check fails for an unknown route, an undocumented status and a body that does not match its schema', () => {
    const doc = t.app.swagger() as unknown as OpenApiDoc;
    const response = (r: Partial<RecordedResponse>): RecordedResponse => ({
      method: 'get',
      route: '/api/projects',
      hidden: false,
      status: 200,
      contentType: 'application/json; charset=utf-8',
      body: '{"items":[]}',
      ...r,
    });
    expect(contractViolations(doc, [response({})])).toEqual([]);
    expect(contractViolations(doc, [response({ route: '/api/nowhere' })])).toEqual([
      'get /api/nowhere is not in the document',
    ]);
    expect(contractViolations(doc, [response({ status: 418 })])).toEqual([
      'get /api/projects answered 418, which the document does not list',
    ]);
    const [mismatch] = contractViolations(doc, [response({ body: '{"items":[{"name":7}]}' })]);
    expect(mismatch).toMatch(/^get \/api\/projects 200: .*name/);
    expect(contractViolations(doc, [response({ status: 404, body: '{"message":"gone"}' })])).toEqual([
      'get /api/projects answered 404, which the document does not list',
    ]);
    const [badError] = contractViolations(doc, [
      response({ route: '/api/projects/:p', status: 404, body: '{"message":"gone"}' }),
    ]);
    expect(badError).toMatch(/^get \/api\/projects\/\{p\} 404: .*error/);
    // Routes kept out of the document on purpose (the web UI, WebSockets) and unrouted URLs are not checked.
    expect(
      contractViolations(doc, [response({ route: '/*', hidden: true, status: 200, body: '<html>' })]),
    ).toEqual([]);
    expect(contractViolations(doc, [response({ route: '', status: 404 })])).toEqual([]);
  });
});
