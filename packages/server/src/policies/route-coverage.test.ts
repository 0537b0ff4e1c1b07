import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../test/support/route-table.ts';
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

  it('the route table is exactly the independent table of SPEC routes: none missing, none extra, each with its access', async () => {
    const { app } = await started;
    const declared = new Map(
      registeredRoutes(app).flatMap((r) =>
        [r.method]
          .flat()
          .filter((m) => m !== 'HEAD') // Fastify adds HEAD for every GET
          .map((m): [string, RouteAccess] => [`${m} ${r.url}`, (r.config as { access: RouteAccess }).access]),
      ),
    );
    const missing = Object.keys(ROUTES).filter((route) => !declared.has(route));
    const extra = [...declared.keys()].filter((route) => !(route in ROUTES));
    const wrong = Object.entries(ROUTES)
      .filter(([route, row]) => declared.has(route) && declared.get(route) !== row.access)
      .map(([route, row]) => `${route}: declares ${declared.get(route)}, SPEC says ${row.access}`);
    expect(missing, 'SPEC routes the server does not register').toEqual([]);
    expect(extra, 'routes missing from test/support/route-table.ts (add them, with their reason)').toEqual(
      [],
    );
    expect(wrong).toEqual([]);
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
