import type { Octokit } from '@octokit/rest';
import type { AppContext } from '../context.ts';
import type { User } from '../db/users.ts';
import { requireGithub } from './github-services.ts';

/** An Octokit acting as the user through the shared client layer (cache scope = this user). */
export async function userOctokit(ctx: AppContext, user: Pick<User, 'id'>): Promise<Octokit> {
  const github = requireGithub(ctx);
  const { token } = await github.broker.userAccessToken(user.id);
  return github.client.octokit({ token, scope: `user:${user.id}`, kind: 'user' });
}
