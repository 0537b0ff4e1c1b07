import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

describe.each(DATABASES)('health, readiness and metrics (%s)', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
  });
  afterAll(() => t?.close());

  it('healthz answers 200 and readyz checks the database and the object store', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ database: 'ok', objectStore: 'ok' });
  });

  it('metrics expose process defaults and the HTTP request histogram by route', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toMatch(
      /rfe_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
  });
});
