import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { cookieOptions, setSessionCookie } from '../../auth/session-cookie.ts';
import type { AppContext } from '../../context.ts';
import {
  createApiToken,
  findUserBySubject,
  listApiTokens,
  listUsers,
  revokeApiToken,
} from '../../db/users.ts';
import { BadRequestError, NotFoundError } from '../../errors.ts';
import { signedInUser } from '../../http/current-user.ts';
import { SESSION_COOKIE } from '../../http/principal.ts';
import { errorResponses } from '../../http/schemas.ts';
import { CreatedToken, CreateTokenBody, DevLoginBody, DevUsers, Me, TokenInfo } from './schema.ts';

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/auth/me',
    {
      config: { access: 'signed-in' },
      schema: { tags: ['auth'], response: { 200: Me, ...errorResponses() } },
    },
    async (request) => {
      const { subject, name, email, groups } = signedInUser(request);
      return { subject, name, email, groups };
    },
  );

  r.get(
    '/api/auth/dev-users',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Users the dev login offers (empty outside dev mode)',
        response: { 200: DevUsers },
      },
    },
    async () => ({
      mode: ctx.config.authMode,
      users: ctx.config.authMode === 'dev' ? (await listUsers(ctx.db)).map(({ id: _id, ...u }) => u) : [],
    }),
  );

  r.post(
    '/api/auth/dev-login',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], body: DevLoginBody, response: { 204: Type.Null(), ...errorResponses(404) } },
    },
    async (request, reply) => {
      if (ctx.config.authMode !== 'dev')
        throw new NotFoundError('Dev login is only available with AUTH_MODE=dev.');
      const user = await findUserBySubject(ctx.db, request.body.user);
      if (!user)
        throw new NotFoundError(`No user "${request.body.user}"; pick one of the users on the sign-in page.`);
      setSessionCookie(reply, ctx.config, ctx.keys.sessionSecret, user.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/auth/logout',
    { config: { access: 'public' }, schema: { tags: ['auth'], response: { 204: Type.Null() } } },
    async (_request, reply) =>
      reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx.config)).status(204).send(null),
  );

  r.get(
    '/api/auth/tokens',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['auth'],
        response: { 200: Type.Object({ items: Type.Array(TokenInfo) }), ...errorResponses() },
      },
    },
    async (request) => ({
      items: (await listApiTokens(ctx.db, signedInUser(request).id)).map((t) => ({
        id: t.id,
        name: t.name,
        createdAt: t.created_at,
        expiresAt: t.expires_at,
        revokedAt: t.revoked_at,
      })),
    }),
  );

  r.post(
    '/api/auth/tokens',
    {
      config: { access: 'signed-in' },
      schema: { tags: ['auth'], body: CreateTokenBody, response: { 201: CreatedToken, ...errorResponses() } },
    },
    async (request, reply) => {
      const days = request.body.ttlDays ?? ctx.config.apiTokenDefaultDays;
      if (days > ctx.config.apiTokenMaxDays) {
        throw new BadRequestError(
          `body.ttlDays: a token lives at most ${ctx.config.apiTokenMaxDays} days (API_TOKEN_MAX_DAYS); ask for fewer.`,
          { field: 'ttlDays', maxDays: ctx.config.apiTokenMaxDays },
        );
      }
      const ttl = days * 86_400_000;
      const created = await createApiToken(ctx.db, signedInUser(request).id, request.body.name, ttl);
      return reply.status(201).send({ ...created, name: request.body.name });
    },
  );

  r.delete(
    '/api/auth/tokens/:id',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['auth'],
        params: Type.Object(
          { id: Type.String({ pattern: '^[0-9A-Z]{26}$' }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      if (!(await revokeApiToken(ctx.db, signedInUser(request).id, request.params.id))) {
        throw new NotFoundError('No active token with that id.');
      }
      return reply.status(204).send(null);
    },
  );
}
