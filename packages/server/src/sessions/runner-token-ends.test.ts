import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parse } from 'yaml';
import { runnerChannel } from '../../test/support/messaging/clients.ts';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../test/support/messaging/session-fixture.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { findSessionById } from '../db/sessions.ts';

const OPENAPI = path.resolve(
  import.meta.dirname,
  '../../../../specs/001-rfe-workspaces/contracts/openapi.yaml',
);

/** The HTTP status of a runner-channel upgrade with `token` (101 when it is accepted). */
function upgradeStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    ws.once('upgrade', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Every operation of the OpenAPI document, with its path parameters filled in. */
function everyRoute(project: string, session: string): { method: string; url: string }[] {
  const doc = parse(fs.readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const routes: { method: string; url: string }[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    const url = template
      .replace('{p}', project)
      .replace('{s}', session)
      .replace(/\{[^}]+\}/g, 'x');
    for (const method of Object.keys(operations)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        routes.push({ method: method.toUpperCase(), url });
    }
  }
  return routes;
}

describe('runner tokens end with their session', () => {
  let t: TestApp;
  let f: SessionFixture;

  beforeAll(async () => {
    t = await startTestApp();
    f = await createSessionFixture(t, await listen(t));
  });
  afterAll(() => t?.close());

  it('a connected runner is cut off when the session ends; then the channel and every route answer 401', async () => {
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
    const acked = new Promise((resolve) => runner.on('ack', resolve));
    await runner.send({ type: 'log', payload: { text: 'while running' } });
    await acked;
    expect(await upgradeStatus(f.runnerUrl, f.runnerToken)).toBe(101);

    const closed = new Promise<string>((resolve) => runner.on('error', (e) => resolve(e.message)));
    const row = (await findSessionById(t.ctx.db, f.sessionId))!;
    await t.ctx.sessions.cancel(row, 'alice', 'test ends the session');
    expect(await closed).toMatch(/session has ended/);
    await runner.close();

    expect(await upgradeStatus(f.runnerUrl, f.runnerToken)).toBe(401);
    // A log after the end is not appended: nothing can even connect.
    const late = await t.app.inject({
      method: 'POST',
      url: `/api/projects/${f.project}/sessions/${f.sessionId}/messages`,
      headers: { authorization: `Bearer ${f.runnerToken}` },
      payload: { type: 'log', payload: { text: 'after the end' } },
    });
    expect(late.statusCode).toBe(401);
    const routes = everyRoute(f.project, f.sessionId);
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: route.url,
        headers: { authorization: `Bearer ${f.runnerToken}` },
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
  });

  it('at its deadline the runner token is refused, though the session is not marked ended yet', async () => {
    const g = await createSessionFixture(
      t,
      f.runnerUrl.replace(/^ws/, 'http').replace(/\/api\/.*$/, ''),
      'late',
    );
    expect(await upgradeStatus(g.runnerUrl, g.runnerToken)).toBe(101);
    await t.ctx.db
      .updateTable('sessions')
      .set({ deadline_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', g.sessionId)
      .execute();
    expect(await upgradeStatus(g.runnerUrl, g.runnerToken)).toBe(401);
  });
});
