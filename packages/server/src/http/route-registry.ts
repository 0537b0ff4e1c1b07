import type { FastifyInstance, RouteOptions } from 'fastify';

const registries = new WeakMap<FastifyInstance, RouteOptions[]>();

/**
 * Records every route as it is registered (plugins included), so tests can walk the real route table:
 * the route-coverage test and the RBAC matrix are driven by it, and new routes join them automatically.
 */
export function installRouteRegistry(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  registries.set(app, routes);
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
}

export function registeredRoutes(app: FastifyInstance): readonly RouteOptions[] {
  const routes = registries.get(app);
  if (!routes) throw new Error('installRouteRegistry was not called on this app');
  return routes;
}
