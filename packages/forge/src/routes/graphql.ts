import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCredential, resolvePrincipal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import type { ForgeError } from '../http/errors.ts';
import { actorLogin } from './helpers.ts';

const NO_GRAPHQL = 'Not Found: this forge has no GraphQL API; use the REST API under /api/v3.';
/** The one query answered: who am I (`gh auth status` and other clients ask it to learn the login). */
const VIEWER_LOGIN = /^\s*(?:query(?:\s+\w+)?\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/;

/**
 * `/api/graphql` (GitHub Enterprise's GraphQL URL). The forge has no GraphQL: every query is a GitHub-shaped
 * 404 saying so, except `{ viewer { login } }`, answered like GitHub so clients can learn who they are.
 */
export function graphqlRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/api/graphql',
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      reply.header('x-github-media-type', 'github.v4; format=json');
      let body = req.body as unknown;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body);
        } catch {
          body = undefined;
        }
      }
      const query = (body as { query?: unknown } | undefined)?.query;
      if (req.method !== 'POST' || typeof query !== 'string' || !VIEWER_LOGIN.test(query)) {
        return reply
          .code(404)
          .send({ message: NO_GRAPHQL, documentation_url: 'https://docs.github.com/graphql', status: '404' });
      }
      let principal: Awaited<ReturnType<typeof resolvePrincipal>>;
      try {
        principal = await resolvePrincipal(ctx, readCredential(req.headers.authorization), req.ip);
      } catch (err) {
        const e = err as ForgeError;
        return reply.code(e.status).send(e.body());
      }
      if (principal.kind === 'anonymous' || principal.kind === 'app') {
        return reply.code(401).send({
          message: 'This endpoint requires you to be authenticated.',
          documentation_url:
            'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
        });
      }
      return { data: { viewer: { login: actorLogin(ctx, principal) } } };
    },
  });
}
