import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLoopback, publicUrl } from '../config/config.ts';
import type { AppContext } from '../context.ts';

/**
 * One canonical origin for the browser. Cookies belong to one host name, so a person who signs in on
 * `http://127.0.0.1:8080` has no session on `http://localhost:8080` (where GitHub sends them back). The
 * platform therefore has one origin users are meant to be on — PUBLIC_URL, or `http://localhost:PORT`
 * on a loopback listener — sends browser page loads on another loopback name there before anything
 * else happens (sign-in included), and lets pages on any loopback name of that origin open streams.
 */

const loopbackName = (host: string) => isLoopback(host.replace(/^\[|\]$/g, '')) || host === '[::1]';

function listeningPort(app: FastifyInstance, ctx: AppContext): number {
  const address = app.server.address() as AddressInfo | null;
  return address?.port ?? ctx.config.port;
}

/** The origin the UI is meant to be used on. */
export function canonicalOrigin(ctx: AppContext, port: number): URL {
  return new URL(new URL(ctx.config.publicUrl ?? publicUrl(ctx.config, port)).origin);
}

/**
 * Origins whose pages may use the session cookie (WebSocket Origin check): the canonical origin, its
 * other loopback names when it is on loopback (same scheme and port: the same server on this machine),
 * and ALLOWED_ORIGINS.
 */
export function allowedOrigins(ctx: AppContext, app: FastifyInstance): Set<string> {
  const canonical = canonicalOrigin(ctx, listeningPort(app, ctx));
  const allowed = new Set([canonical.origin, ...ctx.config.allowedOrigins.map((o) => new URL(o).origin)]);
  if (loopbackName(canonical.hostname)) {
    for (const name of ['localhost', '127.0.0.1', '[::1]']) {
      const alias = new URL(canonical.href);
      alias.hostname = name;
      allowed.add(alias.origin);
    }
  }
  return allowed;
}

/** Where a browser page load should go instead, or null when it is on the canonical origin already. */
export function canonicalRedirect(
  ctx: AppContext,
  app: FastifyInstance,
  request: FastifyRequest,
): string | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  if (request.headers.upgrade) return null;
  const navigation =
    request.headers['sec-fetch-mode'] === 'navigate' ||
    String(request.headers.accept ?? '').includes('text/html');
  if (!navigation || !request.headers.host) return null;
  let asked: URL;
  try {
    asked = new URL(`${canonicalOrigin(ctx, 0).protocol}//${request.headers.host}`);
  } catch {
    return null;
  }
  const canonical = canonicalOrigin(ctx, listeningPort(app, ctx));
  // Only between loopback names of one server: behind a proxy the Host header is not the user's.
  if (!loopbackName(asked.hostname) || !loopbackName(canonical.hostname)) return null;
  if (asked.hostname === canonical.hostname || asked.port !== canonical.port) return null;
  return `${canonical.origin}${request.url}`;
}

/** Browser page loads on another loopback name of this server are sent to the canonical origin (308). */
export function installCanonicalHost(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRequest', async (request, reply) => {
    const target = canonicalRedirect(ctx, app, request);
    if (target) return reply.header('cache-control', 'no-store').redirect(target, 308);
  });
}
