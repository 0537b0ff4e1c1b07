import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../db/audit.ts';
import { deleteGithubLink, findGithubLink, type GithubLink } from '../../db/github-links.ts';
import { AppError, BadRequestError, NotFoundError } from '../../errors.ts';
import { requireGithub } from '../../github/github-services.ts';
import { signInstallState, verifyInstallState } from '../../github/install-state.ts';
import { linkGithubAccount } from '../../github/link-account.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses } from '../../http/schemas.ts';
import { CallbackQuery, GithubStatus } from './schema.ts';

const present = (link: GithubLink | null) =>
  link
    ? {
        linked: true,
        login: link.login,
        githubUserId: link.githubUserId,
        installationIds: link.installationIds,
        host: link.host,
        updatedAt: link.updatedAt,
      }
    : { linked: false };

const redirect = { 302: Type.Null({ description: 'Redirect (Location header)' }) };

/** Connecting a user's GitHub account through the App installation flow. */
export async function githubLinkRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/github/install',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['github'],
        summary: "Redirects to the App's installation page with a signed state bound to me",
        response: { ...redirect, ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      const github = requireGithub(ctx);
      const url = new URL(`/apps/${encodeURIComponent(github.app.slug)}/installations/new`, github.webUrl);
      url.searchParams.set('state', signInstallState(ctx.keys.sessionSecret, signedInUser(request).id));
      return reply.redirect(url.href, 302);
    },
  );

  r.get(
    '/api/github/callback',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['github'],
        summary:
          'Where GitHub returns after installation; links my account (302 to /?github=linked, or JSON)',
        querystring: CallbackQuery,
        response: { 200: GithubStatus, ...redirect, ...errorResponses(403, 502, 503) },
      },
    },
    async (request, reply) => {
      const wantsJson = String(request.headers.accept ?? '').includes('application/json');
      try {
        const github = requireGithub(ctx);
        const user = signedInUser(request);
        const { code, installation_id: installationId, state } = request.query;
        verifyInstallState(ctx.keys.sessionSecret, state, user.id);
        if (!code) {
          throw new BadRequestError(
            'GitHub sent no authorization code; the App must have "Request user authorization (OAuth) during installation" enabled.',
            undefined,
            'github_code_missing',
          );
        }
        const link = await linkGithubAccount(ctx, github, user, { code, installationId });
        if (wantsJson) return present(link);
        return reply.redirect('/?github=linked', 302);
      } catch (err) {
        // A person arrives here in a browser: send them back to the UI with the reason instead of raw JSON.
        const browser = String(request.headers.accept ?? '').includes('text/html');
        if (wantsJson || !browser || !(err instanceof AppError)) throw err;
        const back = new URLSearchParams({ github: 'error', code: err.code, message: err.message });
        return reply.redirect(`/?${back}`, 302);
      }
    },
  );

  r.get(
    '/api/github/status',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['github'],
        summary: 'My GitHub link',
        response: { 200: GithubStatus, ...errorResponses() },
      },
    },
    async (request) => present(await findGithubLink(ctx.db, signedInUser(request).id)),
  );

  r.delete(
    '/api/github/link',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['github'],
        summary: 'Forget my GitHub link',
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const user = signedInUser(request);
      const removed = await deleteGithubLink(ctx.db, user.id);
      if (!removed) throw new NotFoundError('Your account is not linked to GitHub.');
      ctx.github?.broker.forgetUser(user.id);
      await appendAudit(ctx.db, {
        actor: user.subject,
        action: 'github.unlink',
        target: `github:${removed.login}`,
        details: { host: removed.host, githubUserId: removed.githubUserId },
      });
      return reply.status(204).send(null);
    },
  );
}
