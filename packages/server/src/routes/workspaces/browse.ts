import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { orNullOn404 } from '../../github/github-errors.ts';
import { requireGithub } from '../../github/github-services.ts';
import { safeRepoPath } from '../../github/repo-ref.ts';
import { upstreamReader } from '../../github/upstream-reader.ts';
import { userOctokit } from '../../github/user-octokit.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses } from '../../http/schemas.ts';
import { browseTree, readBlob } from '../../workspaces/browse-repository.ts';
import { listSubmodules } from '../../workspaces/workspace-store.ts';
import { Blob, BrowseQuery, Tree, WorkspaceParams } from './schema.ts';
import { loadWorkspace } from './workspaces.ts';

/**
 * The repository browser shows each person exactly what their own GitHub account may read (checked with
 * their token) and reads the content through the App's installation on the repository's owner. Only the
 * umbrella and its registered submodule repositories can be browsed.
 */
async function resolveTarget(ctx: AppContext, request: FastifyRequest) {
  const query = request.query as BrowseQuery;
  const ws = await loadWorkspace(ctx, request);
  const submodules = await listSubmodules(ctx.db, ws.id);
  const umbrella = `${ws.upstream_owner}/${ws.upstream_repo}`;
  const repoName = query.repo ?? umbrella;
  const isUmbrella = repoName === umbrella;
  const sub = submodules.find((m) => `${m.owner}/${m.repo}` === repoName);
  if (!isUmbrella && !sub) {
    throw new ForbiddenError(
      `repo: ${repoName} is neither the umbrella ${umbrella} nor one of this workspace's submodules.`,
      {
        field: 'repo',
      },
    );
  }
  const [owner, repo] = repoName.split('/') as [string, string];
  const viewer = await userOctokit(ctx, signedInUser(request));
  // The viewer's own account decides what they may see; the content is read through the installation.
  if (!(await orNullOn404(viewer.rest.repos.get({ owner, repo })))) {
    throw new NotFoundError(`${repoName} does not exist, or your GitHub account cannot read it.`);
  }
  const names = [ws.upstream_repo, ...submodules.filter((m) => m.owner === owner).map((m) => m.repo)];
  const reader = await upstreamReader(
    ctx,
    owner,
    owner === ws.upstream_owner ? names : [repo],
    signedInUser(request).subject,
  );
  return {
    ws,
    repo: { owner, repo },
    repoName,
    ref: query.ref ?? (isUmbrella ? ws.canonical_branch : (sub!.last_resolved_sha ?? sub!.branch ?? 'HEAD')),
    path: safeRepoPath(query.path ?? ''),
    knownSubmodules: new Set(isUmbrella ? submodules.map((m) => m.path) : []),
    viewer,
    reader,
  };
}

export async function browseRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/projects/:p/workspaces/:w/tree',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['repository browser'],
        summary:
          'List a directory of the umbrella or a submodule repository; submodules are marked and resolved',
        params: WorkspaceParams,
        querystring: BrowseQuery,
        response: { 200: Tree, ...errorResponses(403, 404, 409, 502, 503) },
      },
    },
    async (request) => {
      const t = await resolveTarget(ctx, request);
      const entries = await browseTree(
        { read: t.reader, viewer: t.viewer },
        t.repo,
        t.ref,
        t.path,
        requireGithub(ctx),
        t.knownSubmodules,
      );
      return { repo: t.repoName, ref: t.ref, path: t.path, entries };
    },
  );

  r.get(
    '/api/projects/:p/workspaces/:w/blob',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['repository browser'],
        summary: 'Read a file; large and binary files are answered with a marker',
        params: WorkspaceParams,
        querystring: BrowseQuery,
        response: { 200: Blob, ...errorResponses(403, 404, 409, 502, 503) },
      },
    },
    async (request) => {
      const t = await resolveTarget(ctx, request);
      return { repo: t.repoName, ref: t.ref, ...(await readBlob(t.reader, t.repo, t.ref, t.path)) };
    },
  );
}
