import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Principal, rateBucket, readCredential, resolvePrincipal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { ForgeError } from './errors.ts';
import { injectedFault } from './faults.ts';
import { RateLimiter, rateHeaders } from './rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** Set when a fault was injected or the rate limit refused the call: such answers are not counted. */
    uncounted: boolean;
  }
}

const EXPOSED =
  'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, ' +
  'X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, ' +
  'X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset';

/** Weak comparison (RFC 9110): `W/"x"` and `"x"` match. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v.replace(/^W\//, '') === bare;
  });
}

const seen = new Map<string, number>();
/** When a response body (by hash) was first served; bounded so a long-running forge does not grow. */
function firstSeen(hash: string, now: number): number {
  const at = seen.get(hash);
  if (at !== undefined) return at;
  if (seen.size >= 50_000) seen.delete(seen.keys().next().value as string);
  seen.set(hash, now);
  return now;
}

/**
 * Cross-cutting behaviour of every REST call: credentials, injected faults, rate limits, conditional
 * requests (a 304 is not counted) and GitHub's response headers. Routes stay free of all of it.
 */
export function installApiHooks(app: FastifyInstance, ctx: ForgeContext): RateLimiter {
  const limiter = new RateLimiter();
  app.decorateRequest<Principal | null>('principal', null);
  app.decorateRequest('uncounted', false);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ForgeError(400, 'Problems parsing JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    ctx.stats.requests += 1;
    const requestId = randomUUID().toUpperCase();
    reply.header('x-github-request-id', requestId);
    reply.header('x-github-media-type', 'github.v3; format=json');
    reply.header('access-control-expose-headers', EXPOSED);
    reply.header('access-control-allow-origin', '*');
    req.principal = { kind: 'anonymous', scope: `ip:${req.ip}` };
    const fault = injectedFault(ctx.faults, req.method, requestId);
    if (fault) {
      req.uncounted = true;
      throw fault;
    }
    req.principal = await resolvePrincipal(ctx, readCredential(req.headers.authorization), req.ip);
    const bucket = rateBucket(req.principal);
    const state = limiter.peek(bucket.key, bucket.limit, ctx.now());
    if (state.remaining <= 0) {
      req.uncounted = true;
      throw new ForgeError(403, `API rate limit exceeded for ${bucket.label}.`, {
        documentationUrl:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
      });
    }
  });

  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const route = `${req.method} ${req.routeOptions.url ?? 'unmatched'}`;
    ctx.stats.byRoute[route] = (ctx.stats.byRoute[route] ?? 0) + 1;
    let out = payload;
    if (req.method === 'GET' && reply.statusCode === 200 && typeof payload === 'string') {
      // GitHub's ETags are weak (W/"…"); Last-Modified is when this exact answer was first given.
      const hash = createHash('sha256')
        .update(req.principal.scope)
        .update('\n')
        .update(String(req.headers.accept ?? ''))
        .update('\n')
        .update(payload)
        .digest('hex')
        .slice(0, 40);
      const etag = `W/"${hash}"`;
      const lastModified = firstSeen(hash, ctx.now());
      reply.header('etag', etag);
      reply.header('last-modified', new Date(lastModified).toUTCString());
      reply.header('cache-control', 'private, max-age=60, s-maxage=60');
      reply.header('vary', 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding');
      const inm = req.headers['if-none-match'];
      const ims = Date.parse(String(req.headers['if-modified-since'] ?? ''));
      const notModified = inm
        ? etagMatches(inm, etag)
        : Number.isFinite(ims) && Math.floor(lastModified / 1000) <= Math.floor(ims / 1000);
      if (notModified) {
        reply.code(304);
        reply.removeHeader('content-type');
        out = '';
      }
    }
    // Classic personal access tokens report their scopes (the forge's act with the user's full access).
    if (req.principal.kind === 'user' && req.principal.via === 'pat')
      reply.header('x-oauth-scopes', 'repo, read:org, workflow');
    const bucket = rateBucket(req.principal);
    const counted = reply.statusCode !== 304 && !req.uncounted;
    const rate = counted
      ? limiter.consume(bucket.key, bucket.limit, ctx.now())
      : limiter.peek(bucket.key, bucket.limit, ctx.now());
    if (counted) ctx.stats.countedRequests += 1;
    reply.headers(rateHeaders(rate));
    return out;
  });

  // Anything else under /api/v3 is GitHub's JSON 404 (and must not fall through to the git/web routes).
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async () => {
      throw new ForgeError(404, 'Not Found');
    },
  });
  return limiter;
}
