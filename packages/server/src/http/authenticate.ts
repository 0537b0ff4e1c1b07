import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProxyIdentity } from '../auth/proxy-identity.ts';
import type { AppContext } from '../context.ts';
import { verifySignedValue } from '../crypto/tokens.ts';
import { runnerMayConnect } from '../db/session-lifecycle.ts';
import { findUserByApiToken, findUserById } from '../db/users.ts';
import { UnauthenticatedError } from '../errors.ts';
import { ModelKeys } from '../model/model-keys.ts';
import { type Principal, SESSION_COOKIE } from './principal.ts';

/**
 * Resolves who is calling before any route runs: a bearer token (API or runner), the identity a trusted
 * proxy forwards (AUTH_MODE=proxy), or the signed session cookie (dev and OIDC sign-in).
 */
export function installAuthentication(app: FastifyInstance, ctx: AppContext): void {
  const proxy = ctx.config.authMode === 'proxy' ? new ProxyIdentity(ctx.db, ctx.config.trustedProxies) : null;
  app.decorateRequest('caller', null as never);
  app.addHook('onRequest', async (request) => {
    request.caller = await resolvePrincipal(ctx, request, proxy);
  });
}

async function resolvePrincipal(
  ctx: AppContext,
  request: FastifyRequest,
  proxy: ProxyIdentity | null,
): Promise<Principal> {
  const header = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  if (!header && typeof apiKey === 'string' && apiKey.startsWith('rfm_')) {
    // A session's model key; the model gateway is the one route that accepts it.
    const modelSession = new ModelKeys(ctx.keys.sessionSecret).verify(apiKey);
    if (!modelSession) throw new UnauthenticatedError('The x-api-key is not a valid session model key.');
    return { kind: 'model', sessionId: modelSession };
  }
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    const token = match[1]!;
    const runnerSession = ctx.runnerTokens?.verify(token);
    if (runnerSession) {
      // A runner token ends with its session: refused once it is terminal or past its deadline.
      if (!(await runnerMayConnect(ctx.db, runnerSession)))
        throw new UnauthenticatedError(
          'This runner token belongs to a session that has ended (or passed its deadline); it is no longer valid.',
        );
      return { kind: 'runner', sessionId: runnerSession };
    }
    const user = await findUserByApiToken(ctx.db, token);
    if (!user)
      throw new UnauthenticatedError('The bearer token is unknown, revoked or expired; create a new one.');
    return { kind: 'user', user };
  }
  if (proxy) {
    const forwarded = await proxy.resolve(request);
    if (forwarded) return { kind: 'user', user: forwarded };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) {
    const verified = verifySignedValue(ctx.keys.sessionSecret, cookie);
    if (verified.ok) {
      const user = await findUserById(ctx.db, verified.payload);
      if (user) return { kind: 'user', user };
    }
  }
  return { kind: 'anonymous' };
}
