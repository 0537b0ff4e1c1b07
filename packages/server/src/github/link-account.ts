import type { AppContext } from '../context.ts';
import { appendAudit } from '../db/audit.ts';
import { type GithubLink, saveGithubLink } from '../db/github-links.ts';
import type { User } from '../db/users.ts';
import { BadRequestError, ForbiddenError, UpstreamError } from '../errors.ts';
import type { GithubServices } from './github-services.ts';
import { describeGithubError } from './octokit.ts';
import { refreshSealContext } from './token-broker.ts';
import { exchangeCode, OAuthGrantError, type UserTokens } from './user-oauth.ts';

/**
 * Finishes "Connect GitHub": trades the code for the user's token, checks with GET /user/installations that
 * the installation GitHub reported is one this GitHub user can reach (a callback URL is easy to forge), and
 * stores the link with the refresh token sealed. Nothing is stored unless every check passes.
 */
export async function linkGithubAccount(
  ctx: AppContext,
  github: GithubServices,
  user: User,
  callback: { code: string; installationId?: number },
): Promise<GithubLink> {
  let tokens: UserTokens;
  try {
    tokens = await exchangeCode(github, callback.code);
  } catch (err) {
    if (!(err instanceof OAuthGrantError)) throw err;
    throw new BadRequestError(
      `GitHub did not accept the authorization code (${err.error}); it may have been used already or expired. Start again from "Connect GitHub".`,
      undefined,
      'github_code_invalid',
    );
  }
  const octokit = github.client.octokit({
    token: tokens.accessToken,
    scope: `user:${user.id}`,
    kind: 'user',
  });
  let login: string;
  let githubUserId: number;
  let installationIds: number[];
  try {
    ({ login, id: githubUserId } = (await octokit.rest.users.getAuthenticated()).data);
    const installations = await octokit.paginate(octokit.rest.apps.listInstallationsForAuthenticatedUser, {
      per_page: 100,
    });
    installationIds = installations.map((i) => i.id);
  } catch (err) {
    const { message } = describeGithubError(err);
    throw new UpstreamError('github_unreachable', `Could not read your GitHub account: ${message}`);
  }
  if (callback.installationId !== undefined && !installationIds.includes(callback.installationId)) {
    await appendAudit(ctx.db, {
      actor: user.subject,
      action: 'github.link',
      target: `github:${login}`,
      outcome: 'denied',
      details: {
        host: github.host,
        claimedInstallationId: callback.installationId,
        reason: 'installation not accessible to the user',
      },
    });
    throw new ForbiddenError(
      `Installation ${callback.installationId} does not belong to GitHub user ${login}; install the App on your own account and try again.`,
      { installationId: callback.installationId },
    );
  }
  const link = await saveGithubLink(ctx.db, {
    userId: user.id,
    githubUserId,
    login,
    installationIds,
    host: github.host,
    refreshTokenSealed: tokens.refreshToken
      ? ctx.secretBox.seal(tokens.refreshToken, refreshSealContext(user.id))
      : null,
    refreshExpiresAt: tokens.refreshExpiresAt ? new Date(tokens.refreshExpiresAt).toISOString() : null,
  });
  github.broker.rememberUserToken(user.id, login, tokens.accessToken, tokens.expiresAt);
  await appendAudit(ctx.db, {
    actor: user.subject,
    action: 'github.link',
    target: `github:${login}`,
    details: { host: github.host, githubUserId, installationIds },
  });
  return link;
}
