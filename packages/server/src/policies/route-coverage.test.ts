import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../test/support/test-app.ts';
import { installAuthentication } from '../http/authenticate.ts';
import { installAuthorization } from '../http/authorize.ts';
import { installErrorHandler } from '../http/error-handler.ts';
import { registeredRoutes } from '../http/route-registry.ts';
import { isProjectCapability, projectCapabilities, type RouteAccess } from './capabilities.ts';

const globalAccess: RouteAccess[] = ['public', 'signed-in', 'runner', 'model-key', 'webhook'];

describe('every route declares the capability it needs', () => {
  const started = startTestApp();
  afterAll(async () => (await started).close());

  it('no registered route lacks an access declaration, and every declaration is one SPEC §7 knows', async () => {
    const { app } = await started;
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(10);
    const undeclared = routes
      .filter((r) => !(r.config as { access?: string } | undefined)?.access)
      .map((r) => `${r.method} ${r.url}`);
    expect(undeclared, 'add config: { access } to these routes').toEqual([]);
    const unknown = routes
      .map((r) => (r.config as { access: RouteAccess }).access)
      .filter((a) => !globalAccess.includes(a) && !(a in projectCapabilities));
    expect(unknown).toEqual([]);
  });

  it('routes that need a project capability are project routes (they carry :p)', async () => {
    const { app } = await started;
    const misplaced = registeredRoutes(app)
      .filter(
        (r) => isProjectCapability((r.config as { access: RouteAccess }).access) && !/\/:p(\/|$)/.test(r.url),
      )
      .map((r) => `${r.method} ${r.url}`);
    expect(misplaced).toEqual([]);
  });

  it('the routes SPEC §4 names declare the capability SPEC §7 gives them (checked for those registered so far)', async () => {
    const { app } = await started;
    const declared = new Map(
      registeredRoutes(app).map((r) => [
        `${r.method} ${r.url}`,
        (r.config as { access: RouteAccess }).access,
      ]),
    );
    const wrong = Object.entries(specAccess)
      .filter(([route]) => declared.has(route))
      .filter(([route, access]) => declared.get(route) !== access)
      .map(([route, access]) => `${route}: declares ${declared.get(route)}, SPEC says ${access}`);
    expect(wrong).toEqual([]);
    expect([...declared.keys()].filter((k) => k in specAccess).length).toBeGreaterThan(15);
  });

  it('a route registered without access is refused at runtime too, even for a signed-in user', async () => {
    const { ctx } = await started;
    const app = Fastify();
    installErrorHandler(app);
    await app.register((await import('@fastify/cookie')).default);
    installAuthentication(app, ctx);
    installAuthorization(app, ctx);
    app.get('/undeclared', async () => ({ leaked: true }));
    const res = await app.inject({ method: 'GET', url: '/undeclared' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    await app.close();
  });
});

/** SPEC §4 routes and the access SPEC §7 implies for each. */
const specAccess: Record<string, RouteAccess> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /openapi.json': 'public',
  'POST /api/projects': 'signed-in',
  'GET /api/projects': 'signed-in',
  'GET /api/projects/:p': 'project.view',
  'GET /api/projects/:p/access': 'project.view',
  'GET /api/projects/:p/members': 'project.view',
  'PUT /api/projects/:p/members/:subject': 'members.manage',
  'DELETE /api/projects/:p/members/:subject': 'members.manage',
  'GET /api/projects/:p/storage': 'project.view',
  'PUT /api/projects/:p/storage': 'storage.manage',
  'GET /api/github/install': 'signed-in',
  'GET /api/github/callback': 'signed-in',
  'GET /api/github/status': 'signed-in',
  'DELETE /api/github/link': 'signed-in',
  'GET /api/github/forks': 'signed-in',
  'POST /api/github/forks': 'signed-in',
  'POST /api/projects/:p/workspaces': 'workspace.manage',
  'GET /api/projects/:p/workspaces': 'project.view',
  'GET /api/projects/:p/workspaces/:w': 'project.view',
  'DELETE /api/projects/:p/workspaces/:w': 'workspace.manage',
  'GET /api/projects/:p/workspaces/:w/status': 'project.view',
  'GET /api/projects/:p/workspaces/:w/tree': 'project.view',
  'GET /api/projects/:p/workspaces/:w/blob': 'project.view',
  'POST /api/projects/:p/workspaces/:w/specify': 'specify.run',
  'POST /api/projects/:p/workspaces/:w/sessions': 'session.start',
  'GET /api/projects/:p/sessions': 'project.view',
  'GET /api/projects/:p/sessions/:s': 'project.view',
  'POST /api/projects/:p/sessions/:s/cancel': 'session.cancel.own',
  'GET /api/projects/:p/sessions/:s/messages': 'project.view',
  'POST /api/projects/:p/sessions/:s/messages': 'session.input',
  'GET /api/projects/:p/sessions/:s/stream': 'project.view',
  'GET /api/runner/sessions/:s': 'runner',
  'POST /api/webhooks/github': 'webhook',
  'GET /api/projects/:p/audit': 'audit.read',
};
