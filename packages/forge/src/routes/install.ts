import type { FastifyInstance } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { ensureInstallation } from '../operations/install-app.ts';
import { findAccount } from '../state/queries.ts';
import { issueAuthorizationCode } from './oauth.ts';
import { escapeHtml, page, signedInUser } from './web-session.ts';

/**
 * GitHub's "Install App" page. Installing on the signed-in user's account (or `?target=<org>` for an org
 * they administer), then — as with "Request user authorization (OAuth) during installation" — redirecting
 * to the App's setup URL with installation_id, setup_action=install, an OAuth code and the state.
 */
export function installRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get<{ Params: { slug: string }; Querystring: Record<string, string | undefined> }>(
    '/apps/:slug/installations/new',
    async (req, reply) => {
      const ghApp = ctx.store.read.app;
      if (!ghApp || ghApp.slug !== req.params.slug)
        return page(reply, 'Not Found', '<p>No such App.</p>', 404);
      const user = signedInUser(ctx, req, reply, `install ${ghApp.name}`);
      if (!user) return;
      let target = user;
      if (req.query.target) {
        const org = findAccount(ctx.store.read, req.query.target);
        if (!org) return page(reply, 'Not Found', '<p>No such account.</p>', 404);
        if (org.type === 'Organization' && org.members?.[user.login.toLowerCase()] !== 'admin') {
          return page(
            reply,
            'Forbidden',
            `<p>${escapeHtml(user.login)} is not an owner of ${escapeHtml(org.login)}.</p>`,
            403,
          );
        }
        if (org.type === 'User' && org.id !== user.id)
          return page(reply, 'Forbidden', '<p>Not your account.</p>', 403);
        target = org;
      }
      const { installation } = ensureInstallation(ctx, target);
      if (!ghApp.setupUrl) {
        return page(
          reply,
          `${ghApp.name} installed`,
          `<p>Installation ${installation.id} on ${escapeHtml(target.login)}.</p>`,
        );
      }
      const url = new URL(ghApp.setupUrl);
      url.searchParams.set('installation_id', String(installation.id));
      url.searchParams.set('setup_action', 'install');
      url.searchParams.set('code', issueAuthorizationCode(ctx, user, ghApp, null));
      if (req.query.state !== undefined) url.searchParams.set('state', req.query.state);
      return reply.redirect(url.toString());
    },
  );
}
