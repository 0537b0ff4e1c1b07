import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
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

  it('readyz answers 503 naming the object store when its directory is gone (replaced by a file)', async () => {
    const own = await startTestApp({}, {}, { database });
    try {
      const objects = path.join(own.dataDir, 'objects');
      fs.rmSync(objects, { recursive: true, force: true });
      fs.writeFileSync(objects, 'not a directory');
      const ready = await own.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().status).toBe('unavailable');
      expect(ready.json().checks.database).toBe('ok');
      expect(ready.json().checks.objectStore).toMatch(/^failed: .*objects.* is not usable/);
      fs.rmSync(objects);
      expect((await own.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('readyz answers 503 naming the database when the database is gone', async () => {
    const own = await startTestApp({}, {}, { database });
    try {
      if (database === 'postgres') {
        // The database disappears under the running server: every pooled connection is cut.
        const url = new URL(own.ctx.config.databaseUrl!);
        const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE ${url.pathname.slice(1)} WITH (FORCE)`);
        await admin.end();
      } else {
        await own.ctx.db.destroy(); // SQLite has no server to lose: its connection is closed under the app
      }
      const ready = await own.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.database).toMatch(/^failed: /);
      expect(ready.json().checks.objectStore).toBe('ok');
    } finally {
      await own.close().catch(() => {});
    }
  });
});
