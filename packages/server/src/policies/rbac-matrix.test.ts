import type { HTTPMethods, RouteOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../test/support/test-app.ts';
import { createApiToken, upsertUser } from '../db/users.ts';
import { registeredRoutes } from '../http/route-registry.ts';
import {
  isProjectCapability,
  projectCapabilities,
  type Role,
  type RouteAccess,
  roleGrants,
} from './capabilities.ts';

/**
 * Every registered route × {anonymous, non-member, view, edit, admin, runner} against SPEC §7. The matrix is
 * built from the live route table, so a new route is covered the moment it is registered.
 */
const t = await startTestApp();
afterAll(() => t.close());

type Caller = 'anonymous' | 'non-member' | Role | 'runner';
const callers: Caller[] = ['anonymous', 'non-member', 'view', 'edit', 'admin', 'runner'];
const RUNNER_SESSION = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const PLACEHOLDER = RUNNER_SESSION;

const headers: Partial<Record<Caller, Record<string, string>>> = {
  anonymous: {},
  runner: { authorization: `Bearer ${t.ctx.runnerTokens.issue(RUNNER_SESSION)}` },
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
}

const cases: Case[] = registeredRoutes(t.app).flatMap((route: RouteOptions) =>
  ([route.method].flat() as HTTPMethods[])
    .filter((m) => m !== 'HEAD') // HEAD shares its GET route's options
    .map((method) => ({
      method,
      url: route.url,
      access: (route.config as { access: RouteAccess }).access, // route-coverage.test.ts guarantees it
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

function concreteUrl(url: string, project: string): string {
  return url
    .replace(':p', project)
    .replace(/:[A-Za-z_]+/g, PLACEHOLDER)
    .replace('*', 'matrix');
}

const authNotFound = (body: { error?: { message?: string } }) =>
  /does not exist or you are not a member/.test(body.error?.message ?? '');

/** What SPEC §7 says this caller gets from a route declaring `access`. */
function check(
  access: RouteAccess,
  caller: Caller,
  status: number,
  body: { error?: { code?: string; details?: Record<string, unknown> } },
) {
  const signedInUser = caller !== 'anonymous' && caller !== 'runner';
  if (access === 'public') return expect(status, 'public routes need no identity').not.toBeOneOf([401, 403]);
  if (access === 'webhook')
    return expect(status, 'webhooks are judged by their signature, not the caller').not.toBe(403);
  if (access === 'runner') {
    if (caller === 'runner') return expect(status).not.toBeOneOf([401, 403]);
    return expect(status, 'only a runner token opens a runner route').toBe(401);
  }
  if (access === 'model-key') {
    return expect(status, "only a session's model key opens the model gateway").toBe(401);
  }
  if (caller === 'anonymous') return expect(status, 'anonymous callers must sign in').toBe(401);
  if (caller === 'runner')
    return expect(status, 'a runner token is good for its own session channel only').toBe(403);
  if (access === 'signed-in') return expect(status).not.toBeOneOf([401, 403]);
  expect(signedInUser).toBe(true);
  if (caller === 'non-member') {
    expect(status, 'non-members learn nothing about the project').toBe(404);
    return expect(authNotFound(body as never)).toBe(true);
  }
  if (!roleGrants(caller as Role, access)) {
    expect(status).toBe(403);
    expect(body.error?.code).toBe('forbidden');
    return expect(body.error?.details).toMatchObject({
      capability: access,
      requiredRole: projectCapabilities[access],
    });
  }
  expect(status, 'the role grants this capability').not.toBeOneOf([401, 403]);
  if (status === 404)
    expect(authNotFound(body as never), 'a member must not be told the project is missing').toBe(false);
}

describe('RBAC matrix: every route × every kind of caller', () => {
  it('covers the routes SPEC §4 names', () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(cases.some((c) => c.access === 'audit.read')).toBe(true);
  });

  it.each(cases)('$method $url ($access)', async ({ method, url, access }) => {
    const project = isProjectCapability(access) ? await freshProject() : 'matrix-none';
    const failures: string[] = [];
    for (const caller of callers) {
      const res = await t.app.inject({ method, url: concreteUrl(url, project), headers: headers[caller]! });
      const body = res.headers['content-type']?.toString().includes('json') ? res.json() : {};
      try {
        check(access, caller, res.statusCode, body);
      } catch (err) {
        failures.push(
          `${caller}: ${(err as Error).message} — got ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });
});
