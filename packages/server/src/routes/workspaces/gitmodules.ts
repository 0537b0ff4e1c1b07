import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { httpStatus, orNullOn404 } from '../../github/github-errors.ts';
import { requireGithub } from '../../github/github-services.ts';
import { parseRepoRef } from '../../github/repo-ref.ts';
import { userOctokit } from '../../github/user-octokit.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import { parseGitmodules } from '../../workspaces/bootstrap-files.ts';

export const GitmodulesQuery = Type.Object(
  {
    upstream: Type.String({
      pattern: '^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$',
      description: 'owner/name of the umbrella',
    }),
    ref: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Default: its default branch' }),
    ),
  },
  { additionalProperties: false },
);

export const GitmoduleSuggestions = Type.Object({
  upstream: Type.String(),
  ref: Type.String({ description: 'The branch or commit .gitmodules was read at' }),
  /** Base URL of the configured Git host, for placeholders and links. */
  gitHost: Type.String(),
  components: Type.Array(
    Type.Object({
      name: Type.String({ description: 'Directory under repos/ (the last path segment)' }),
      path: Type.String(),
      url: Type.String({ description: 'As written in .gitmodules' }),
      repo: Type.Union([Type.String(), Type.Null()], {
        description: 'owner/name when the URL is on the configured Git host, else null (not offered)',
      }),
      branch: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type GitmoduleSuggestions = Static<typeof GitmoduleSuggestions>;

/**
 * What the umbrella's `.gitmodules` already lists, read as the signed-in user through the GitHub client
 * layer, so that creating a workspace offers those repositories as components instead of typing URLs.
 */
export async function gitmodulesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/projects/:p/gitmodules',
    {
      config: { access: 'workspace.manage' },
      schema: {
        tags: ['workspaces'],
        summary: "Components the umbrella's .gitmodules lists, offered when creating a workspace",
        params: ProjectParams,
        querystring: GitmodulesQuery,
        response: { 200: GitmoduleSuggestions, ...errorResponses(403, 404, 502, 503) },
      },
    },
    async (request) => {
      const github = requireGithub(ctx);
      const octokit = await userOctokit(ctx, signedInUser(request));
      const [owner, repo] = request.query.upstream.split('/') as [string, string];
      let ref = request.query.ref;
      if (!ref) {
        try {
          ref = (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
        } catch (err) {
          if (httpStatus(err) === 404)
            throw new NotFoundError(
              `upstream: ${request.query.upstream} does not exist on ${github.webUrl} or your GitHub account cannot read it.`,
              { field: 'upstream' },
            );
          throw err;
        }
      }
      const file = await orNullOn404(
        octokit.rest.repos.getContent({ owner, repo, path: '.gitmodules', ref }),
      );
      const data = file?.data as { content?: string; encoding?: string } | undefined;
      const text = data?.content
        ? Buffer.from(data.content, (data.encoding as BufferEncoding) ?? 'base64').toString('utf8')
        : '';
      const host = new URL(github.webUrl).host;
      const components = [...parseGitmodules(text)].map(([path, m]) => {
        let full: string | null = null;
        try {
          const parsed = parseRepoRef(m.url, { host, webUrl: github.webUrl }, 'url');
          full = `${parsed.owner}/${parsed.repo}`;
        } catch {
          full = null;
        }
        return {
          name: path.split('/').pop() ?? path,
          path,
          url: m.url,
          repo: full,
          branch: m.branch ?? null,
        };
      });
      return { upstream: request.query.upstream, ref, gitHost: github.webUrl, components };
    },
  );
}
