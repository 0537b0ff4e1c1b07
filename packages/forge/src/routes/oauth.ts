import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hashToken,
  issueToken,
  newOAuthCode,
  pruneExpired,
  REFRESH_TOKEN_TTL_MS,
  USER_TOKEN_TTL_MS,
} from '../auth/tokens.ts';
import type { ForgeContext } from '../context.ts';
import type { AccountRecord, AppRecord } from '../state/model.ts';
import { page, signedInUser } from './web-session.ts';

const CODE_TTL_MS = 10 * 60 * 1000;
const DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';

/** GitHub: redirect_uri must have the callback URL's host and port, and a path at or below its path. */
export function redirectAllowed(app: AppRecord, redirectUri: string): boolean {
  if (app.callbackUrls.length === 0) return true;
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return false;
  }
  return app.callbackUrls.some((cb) => {
    const allowed = new URL(cb);
    return allowed.origin === target.origin && target.pathname.startsWith(allowed.pathname);
  });
}

/** Issues a one-time authorization code for `user` (used by the authorize page and by App installation). */
export function issueAuthorizationCode(
  ctx: ForgeContext,
  user: AccountRecord,
  app: AppRecord,
  redirectUri: string | null,
) {
  const code = newOAuthCode();
  ctx.store.mutate((state) => {
    pruneExpired(state, ctx.now());
    state.oauthCodes[hashToken(code)] = {
      login: user.login,
      clientId: app.clientId,
      redirectUri,
      expiresAt: ctx.now() + CODE_TTL_MS,
    };
  });
  return code;
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function tokenResponse(req: FastifyRequest, reply: FastifyReply, body: Record<string, string | number>) {
  if (String(req.headers.accept ?? '').includes('application/json')) return reply.send(body);
  const form = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
  return reply.type('application/x-www-form-urlencoded; charset=utf-8').send(form.toString());
}

export function oauthRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get('/login', async (req, reply) => {
    const user = signedInUser(ctx, req, reply, 'continue');
    if (user) page(reply, `Signed in as ${user.login}`, '<p>You can close this page.</p>');
  });

  app.get('/login/oauth/authorize', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const ghApp = ctx.store.read.app;
    if (!ghApp || q.client_id !== ghApp.clientId)
      return page(reply, 'Not Found', '<p>Unknown client_id.</p>', 404);
    const redirect = q.redirect_uri ?? ghApp.callbackUrls[0];
    if (!redirect)
      return page(reply, 'Missing redirect_uri', '<p>No redirect_uri and no callback URL.</p>', 400);
    if (!redirectAllowed(ghApp, redirect)) {
      return reply.redirect(
        withParams(ghApp.callbackUrls[0], {
          error: 'redirect_uri_mismatch',
          error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
          error_uri: DOCS,
          state: q.state,
        }),
      );
    }
    const user = signedInUser(ctx, req, reply, `authorize ${ghApp.name}`);
    if (!user) return;
    const code = issueAuthorizationCode(ctx, user, ghApp, q.redirect_uri ?? null);
    return reply.redirect(withParams(redirect, { code, state: q.state }));
  });

  app.post('/login/oauth/access_token', async (req, reply) => {
    const input = {
      ...(req.query as Record<string, unknown>),
      ...((req.body ?? {}) as Record<string, unknown>),
    };
    const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
    const fail = (error: string, description: string) =>
      tokenResponse(req, reply, { error, error_description: description, error_uri: DOCS });
    const ghApp = ctx.store.read.app;
    if (!ghApp || str('client_id') !== ghApp.clientId || str('client_secret') !== ghApp.clientSecret) {
      return fail('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    }
    const grant = str('grant_type') ?? (str('refresh_token') ? 'refresh_token' : 'authorization_code');
    let login: string;
    if (grant === 'refresh_token') {
      const refresh = str('refresh_token') ?? '';
      const rec = ctx.store.read.tokens[hashToken(refresh)];
      if (rec?.kind !== 'refresh' || rec.expiresAt <= ctx.now()) {
        return fail('bad_refresh_token', 'The refresh token passed is incorrect or expired.');
      }
      login = rec.login;
      ctx.store.mutate((state) => {
        delete state.tokens[hashToken(refresh)];
      });
    } else if (grant === 'authorization_code') {
      const code = str('code') ?? '';
      const rec = ctx.store.read.oauthCodes[hashToken(code)];
      if (!rec || rec.expiresAt <= ctx.now() || rec.clientId !== ghApp.clientId) {
        return fail('bad_verification_code', 'The code passed is incorrect or expired.');
      }
      const redirect = str('redirect_uri');
      if (redirect !== undefined && rec.redirectUri !== null && redirect !== rec.redirectUri) {
        return fail(
          'redirect_uri_mismatch',
          'The redirect_uri MUST match the registered callback URL for this application.',
        );
      }
      login = rec.login;
      ctx.store.mutate((state) => {
        delete state.oauthCodes[hashToken(code)];
      });
    } else {
      return fail('unsupported_grant_type', 'The grant type is not supported.');
    }
    const now = ctx.now();
    const tokens = ctx.store.mutate((state) => ({
      access: issueToken(state, { kind: 'user', login, expiresAt: now + USER_TOKEN_TTL_MS, createdAt: now }),
      refresh: issueToken(state, {
        kind: 'refresh',
        login,
        expiresAt: now + REFRESH_TOKEN_TTL_MS,
        createdAt: now,
      }),
    }));
    return tokenResponse(req, reply, {
      access_token: tokens.access,
      expires_in: USER_TOKEN_TTL_MS / 1000,
      refresh_token: tokens.refresh,
      refresh_token_expires_in: REFRESH_TOKEN_TTL_MS / 1000,
      scope: '',
      token_type: 'bearer',
    });
  });
}
