import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { RouteAccess } from '../policies/capabilities.ts';

const error = () => Type.Ref('ErrorBody');

/**
 * What the platform's own hooks answer on a route, whatever the route does: its schema names the route's
 * outcomes, this adds the rest, so the OpenAPI document lists every status a caller can get.
 *
 * - every route: 401 for a credential that is not valid (an unknown or expired bearer token, a bad
 *   x-api-key), public ones included (authenticate.ts), and on the others for no credential;
 * - a route for users (signed-in or a project capability): 403 for a runner token (authorize.ts);
 * - a route that takes a body (POST, PUT, PATCH): 400 for a malformed one, 413 past the size limit, 415 for a
 *   content type it does not take (error-handler.ts);
 * - a GET: 308, a browser page load on another loopback name of the canonical origin (canonical-origin.ts).
 */
export function platformResponses(
  route: Pick<RouteOptions, 'method'> & { access?: RouteAccess },
): Record<number, TSchema> {
  const methods = [route.method].flat();
  const out: Record<number, TSchema> = {};
  const access = route.access;
  out[401] = error();
  if (access && !['public', 'webhook', 'runner', 'model-key'].includes(access)) out[403] = error();
  if (methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH')) {
    out[400] = error();
    out[413] = error();
    out[415] = error();
  }
  if (methods.includes('GET')) {
    out[308] = Type.Null({
      description:
        'A browser page load on another loopback name of this server, sent to the canonical origin',
    });
  }
  return out;
}

/** Adds platformResponses() to every documented route as it is registered (before the OpenAPI plugin reads it). */
export function installPlatformResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.schema?.hide || (route as { websocket?: boolean }).websocket) return;
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    const extra = platformResponses({ method: route.method, access });
    route.schema = { ...route.schema, response: { ...extra, ...(route.schema?.response as object) } };
  });
}
