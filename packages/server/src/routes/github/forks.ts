import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../db/audit.ts';
import { AppError, NotFoundError, UpstreamError } from '../../errors.ts';
import { requireGithub } from '../../github/github-services.ts';
import { describeGithubError } from '../../github/octokit.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses } from '../../http/schemas.ts';
import { CreateForkBody, Fork, ForkList, RepoFullName } from './schema.ts';

interface RepoJson {
  full_name: string;
  name: string;
  owner: { login: string };
  html_url: string;
  clone_url: string;
  default_branch: string;
  private: boolean;
}

const present = (r: RepoJson) => ({
  fullName: r.full_name,
  owner: r.owner.login,
  name: r.name,
  htmlUrl: r.html_url,
  cloneUrl: r.clone_url,
  defaultBranch: r.default_branch,
  private: r.private,
});

function fail(err: unknown, repo: string): never {
  const { status, message } = describeGithubError(err);
  if (status === 404)
    throw new NotFoundError(`Repository ${repo} does not exist or your GitHub account cannot see it.`);
  if (status === 403) throw new AppError(403, 'github_forbidden', `GitHub refused: ${message}`);
  throw new UpstreamError('github_unreachable', `GitHub request about ${repo} failed: ${message}`);
}

/** The signed-in user's forks, acting as them with their user access token. */
export async function githubForkRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/github/forks',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['github'],
        summary: 'My forks of a repository',
        querystring: Type.Object({ repo: RepoFullName }),
        response: { 200: ForkList, ...errorResponses(403, 404, 409, 502, 503) },
      },
    },
    async (request) => {
      const github = requireGithub(ctx);
      const user = signedInUser(request);
      const { token, login } = await github.broker.userAccessToken(user.id);
      const [owner, repo] = request.query.repo.split('/') as [string, string];
      const octokit = github.client.octokit({ token, scope: `user:${user.id}`, kind: 'user' });
      const forks = await octokit
        .paginate(octokit.rest.repos.listForks, { owner, repo, per_page: 100 })
        .catch((err: unknown) => fail(err, request.query.repo));
      const mine = forks.filter((f) => f.owner.login.toLowerCase() === login.toLowerCase());
      return { items: mine.map((f) => present(f as RepoJson)) };
    },
  );

  r.post(
    '/api/github/forks',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['github'],
        summary: 'Fork a repository to my GitHub account (returns the existing fork if there is one)',
        body: CreateForkBody,
        response: { 202: Fork, ...errorResponses(403, 404, 409, 502, 503) },
      },
    },
    async (request, reply) => {
      const github = requireGithub(ctx);
      const user = signedInUser(request);
      const { token } = await github.broker.userAccessToken(user.id);
      const [owner, repo] = request.body.repo.split('/') as [string, string];
      const octokit = github.client.octokit({ token, scope: `user:${user.id}`, kind: 'user' });
      const { data } = await octokit.rest.repos
        .createFork({ owner, repo, default_branch_only: true })
        .catch((err: unknown) => fail(err, request.body.repo));
      await appendAudit(ctx.db, {
        actor: user.subject,
        action: 'github.fork.create',
        target: `repo:${request.body.repo}`,
        details: { host: github.host, fork: data.full_name },
      });
      return reply.status(202).send(present(data as RepoJson));
    },
  );
}
