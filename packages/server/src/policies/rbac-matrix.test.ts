import type { HTTPMethods, RouteOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionFixture } from '../../test/support/messaging/session-fixture.ts';
import { startPlatformWithForge } from '../../test/support/platform-with-forge.ts';
import { PLACEHOLDERS, ROUTES, type Role, type RouteRow } from '../../test/support/route-table.ts';
import { createApiToken, upsertUser } from '../db/users.ts';
import { registeredRoutes } from '../http/route-registry.ts';
import type { RouteAccess } from './capabilities.ts';

/**
 * Every registered route × {anonymous, non-member, view, edit, admin, runner} against SPEC §7. The matrix is
 * built from the live route table, so a new route is covered the moment it is registered; what each caller
 * must get comes from the hand-written table in test/support/route-table.ts, never from the implementation's
 * capability table (route-coverage.test.ts keeps the two route lists equal).
 */
// With a Git host (the bundled forge), so the GitHub routes answer as they do in production, not 503.
const t = await startPlatformWithForge({}, { webhooks: false });
afterAll(() => t.close());

type Caller = 'anonymous' | 'non-member' | Role | 'runner';
const callers: Caller[] = ['anonymous', 'non-member', 'view', 'edit', 'admin', 'runner'];
// A real running session, so the runner's token is a valid one (its session is not the placeholder).
const fixture = await createSessionFixture(t, 'http://127.0.0.1:1', 'matrix-runner');
const RUNNER_SESSION = fixture.sessionId;
const rank: Record<Role, number> = { view: 1, edit: 2, admin: 3 };

const headers: Partial<Record<Caller, Record<string, string>>> = {
  anonymous: {},
  runner: { authorization: `Bearer ${fixture.runnerToken}` },
};
for (const c of ['non-member', 'view', 'edit', 'admin'] as const) {
  const user = await upsertUser(t.ctx.db, {
    subject: `matrix-${c}`,
    name: c,
    email: `${c}@example.test`,
    groups: [],
  });
  headers[c] = { authorization: `Bearer ${(await createApiToken(t.ctx.db, user.id, 'matrix')).token}` };
}

interface Case {
  method: HTTPMethods;
  url: string;
  access: RouteAccess;
  row: RouteRow | undefined;
}

const cases: Case[] = registeredRoutes(t.app).flatMap((route: RouteOptions) =>
  ([route.method].flat() as HTTPMethods[])
    .filter((m) => m !== 'HEAD') // HEAD shares its GET route's options
    .map((method) => ({
      method,
      url: route.url,
      access: (route.config as { access: RouteAccess }).access, // route-coverage.test.ts guarantees it
      row: ROUTES[`${method} ${route.url}`],
    })),
);

let projectCount = 0;
/** A fresh project per route, so one route's side effects (deletes, member changes) cannot leak into another's. */
async function freshProject(): Promise<string> {
  const name = `matrix-${++projectCount}`;
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: headers.admin!,
    payload: { name, storage: { kind: 'managed' } },
  });
  expect(created.statusCode).toBe(201);
  for (const role of ['view', 'edit'] as const) {
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/projects/${name}/members/matrix-${role}`,
      headers: headers.admin!,
      payload: { role },
    });
    expect(put.statusCode).toBe(201);
  }
  return name;
}

function concreteUrl(url: string, project: string, access: RouteAccess): string {
  if (access === 'runner' || access === 'model-key') url = url.replace(':s', RUNNER_SESSION);
  return url
    .replace(':p', project)
    .replace(/:([A-Za-z_]+)/g, (_, name: string) => PLACEHOLDERS[name] ?? `unknown-param-${name}`)
    .replace('*', 'matrix');
}

const authNotFound = (body: { error?: { message?: string } }) =>
  /does not exist or you are not a member/.test(body.error?.message ?? '');

/** What a caller who is let through must get: the row's success status or named domain error, never 5xx. */
function expectAllowed(row: RouteRow, status: number, body: { error?: { code?: string } }) {
  expect(status, 'an allowed caller never gets a server error').toBeLessThan(500);
  expect(status, 'the expected outcome for an allowed caller').toBe(row.allowed.status);
  if (row.allowed.code) expect(body.error?.code).toBe(row.allowed.code);
}

/** What SPEC §7 (as written in the route table) says this caller gets from a route. */
function check(
  row: RouteRow,
  caller: Caller,
  status: number,
  body: { error?: { code?: string; details?: Record<string, unknown> } },
) {
  const access = row.access;
  if (access === 'public') return expectAllowed(row, status, body);
  if (access === 'webhook') return expectAllowed(row, status, body); // judged by the signature, not the caller
  if (access === 'runner') {
    if (caller === 'runner') return expectAllowed(row, status, body);
    return expect(status, 'only a runner token opens a runner route').toBe(401);
  }
  if (access === 'model-key') {
    return expect(status, "only a session's model key opens the model gateway").toBe(401);
  }
  if (caller === 'anonymous') return expect(status, 'anonymous callers must sign in').toBe(401);
  if (caller === 'runner')
    return expect(status, 'a runner token is good for its own session channel only').toBe(403);
  if (access === 'signed-in') return expectAllowed(row, status, body);
  if (caller === 'non-member') {
    expect(status, 'non-members learn nothing about the project').toBe(404);
    return expect(authNotFound(body as never)).toBe(true);
  }
  const min = row.min;
  if (!min) throw new Error(`route-table.ts gives project route ${access} no minimum role`);
  if (rank[caller as Role] < rank[min]) {
    expect(status).toBe(403);
    expect(body.error?.code).toBe('forbidden');
    return expect(body.error?.details).toMatchObject({ capability: access, requiredRole: min });
  }
  expectAllowed(row, status, body);
  if (status === 404)
    expect(authNotFound(body as never), 'a member must not be told the project is missing').toBe(false);
}

describe('RBAC matrix: every route × every kind of caller', () => {
  it('covers the routes SPEC §4 names', () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(cases.some((c) => c.access === 'audit.read')).toBe(true);
  });

  it.each(cases)('$method $url ($access)', async ({ method, url, row }) => {
    if (!row) throw new Error(`${method} ${url} is not in test/support/route-table.ts`);
    const project = row.min ? await freshProject() : 'matrix-none';
    const failures: string[] = [];
    for (const caller of callers) {
      const res = await t.app.inject({
        method,
        url: concreteUrl(url, project, row.access as RouteAccess),
        headers: headers[caller]!,
      });
      const body = res.headers['content-type']?.toString().includes('json') ? res.json() : {};
      try {
        check(row, caller, res.statusCode, body);
      } catch (err) {
        failures.push(
          `${caller}: ${(err as Error).message} — got ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });
});
