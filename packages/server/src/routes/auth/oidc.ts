import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OIDC_FLOW_COOKIE, OIDC_FLOW_TTL_MS, OidcSignIn } from '../../auth/oidc-sign-in.ts';
import { cookieOptions, setSessionCookie } from '../../auth/session-cookie.ts';
import type { AppContext } from '../../context.ts';
import { upsertUser } from '../../db/users.ts';
import { NotFoundError } from '../../errors.ts';
import { errorResponses } from '../../http/schemas.ts';

const CALLBACK_PATH = '/api/auth/oidc/callback';
const redirect = { 302: Type.Null({ description: 'Redirect (Location header)' }) };

/** AUTH_MODE=oidc sign-in: send the browser to the provider, and take it back with a code. */
export async function oidcRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const signIn = new OidcSignIn(ctx.config, ctx.secretBox);
  const flowCookie = { ...cookieOptions(ctx.config), path: '/api/auth/oidc' };

  const requireOidc = () => {
    if (ctx.config.authMode !== 'oidc')
      throw new NotFoundError('OIDC sign-in is only available with AUTH_MODE=oidc.');
  };
  const redirectUri = (request: FastifyRequest) =>
    ctx.config.oidcRedirectUrl ??
    `${ctx.config.publicUrl ?? `${request.protocol}://${request.host}`}${CALLBACK_PATH}`;

  r.get(
    '/api/auth/oidc/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Start an OIDC sign-in (redirects to the identity provider)',
        querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: { ...redirect, ...errorResponses(404, 502) },
      },
    },
    async (request, reply) => {
      requireOidc();
      const { url, flowCookie: sealed } = await signIn.start(
        redirectUri(request),
        request.query.returnTo ?? '/',
      );
      reply.setCookie(OIDC_FLOW_COOKIE, sealed, { ...flowCookie, maxAge: OIDC_FLOW_TTL_MS / 1000 });
      return reply.redirect(url, 302);
    },
  );

  r.get(
    CALLBACK_PATH,
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Finish an OIDC sign-in: sets the session cookie and redirects into the app',
        // What an OpenID Provider sends back (RFC 6749 §4.1.2, RFC 9207); anything else is passed on to the
        // client library as it came. Named properties, so the OpenAPI document lists them as parameters.
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String()),
            state: Type.Optional(Type.String()),
            iss: Type.Optional(Type.String()),
            error: Type.Optional(Type.String()),
            error_description: Type.Optional(Type.String()),
          },
          { additionalProperties: Type.String() },
        ),
        response: { ...redirect, ...errorResponses(404, 502) },
      },
    },
    async (request, reply) => {
      requireOidc();
      const query = new URLSearchParams(request.query);
      const { user, returnTo } = await signIn.finish(
        redirectUri(request),
        query,
        request.cookies[OIDC_FLOW_COOKIE],
      );
      const saved = await upsertUser(ctx.db, user);
      reply.clearCookie(OIDC_FLOW_COOKIE, flowCookie);
      setSessionCookie(reply, ctx.config, ctx.keys.sessionSecret, saved.id);
      request.log.info({ subject: saved.subject }, 'signed in with OIDC');
      return reply.redirect(returnTo, 302);
    },
  );
}
