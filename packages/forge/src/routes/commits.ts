import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { diffFiles, EMPTY_TREE } from '../git/diff.ts';
import {
  branchSha,
  commitsBetween,
  countAheadBehind,
  mergeBase,
  readCommit,
  resolveCommit,
  safePath,
} from '../git/read.ts';
import { gitText } from '../git/run.ts';
import { deleteRef, fetchRef } from '../git/write.ts';
import { ForgeError, notFound } from '../http/errors.ts';
import { formatPatch, requestedMedia, sendMedia, unifiedDiff } from '../http/media-types.ts';
import { paginate } from '../http/pagination.ts';
import { assertRepoAccess, READ_CONTENTS } from '../policies/repo-access.ts';
import { commitJson, diffEntryJson } from '../presenters/git.ts';
import { repoUrls } from '../presenters/repository.ts';
import type { RepoRecord } from '../state/model.ts';
import { findRepo, networkRoot, repoGitDir } from '../state/queries.ts';
import { queryString, repoFromRequest } from './helpers.ts';

// Fastify has already percent-decoded route params.
const wildcard = (req: FastifyRequest) => (req.params as { '*'?: string })['*'] ?? '';

/** Finds `owner:ref` / `owner:repo:ref` in the same fork network and returns the commit, copied here if needed. */
async function resolveSide(
  ctx: ForgeContext,
  req: FastifyRequest,
  repo: RepoRecord,
  gitDir: string,
  spec: string,
): Promise<string | null> {
  const parts = spec.split(':');
  if (parts.length === 1) return resolveCommit(gitDir, spec);
  const [owner, maybeRepo, maybeRef] = parts;
  const state = ctx.store.read;
  const other =
    parts.length === 3
      ? findRepo(state, owner, maybeRepo)
      : Object.values(state.repos).find(
          (r) =>
            r.owner.toLowerCase() === owner.toLowerCase() &&
            networkRoot(state, r).id === networkRoot(state, repo).id,
        );
  const ref = parts.length === 3 ? maybeRef : maybeRepo;
  if (!other || networkRoot(state, other).id !== networkRoot(state, repo).id) return null;
  assertRepoAccess(state, req.principal, other, READ_CONTENTS);
  if (other.id === repo.id) return resolveCommit(gitDir, ref);
  const otherDir = repoGitDir(ctx.reposDir, other);
  const sha = (await branchSha(otherDir, ref)) ?? (await resolveCommit(otherDir, ref));
  if (!sha) return null;
  if (!(await resolveCommit(gitDir, sha))) {
    const tmp = `refs/forge-tmp/${randomUUID()}`;
    await fetchRef(gitDir, otherDir, (await branchSha(otherDir, ref)) ? `refs/heads/${ref}` : sha, tmp);
    await deleteRef(gitDir, tmp);
  }
  return sha;
}

export function commitRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get('/repos/:owner/:repo/commits', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
    const start = await resolveCommit(gitDir, queryString(req, 'sha') ?? repo.defaultBranch);
    if (!start) {
      if (!queryString(req, 'sha')) throw new ForgeError(409, 'Git Repository is empty.');
      throw notFound();
    }
    const path = queryString(req, 'path');
    if (path !== undefined && !safePath(path)) return [];
    const out = await gitText(gitDir, [
      'rev-list',
      '--max-count=10000',
      start,
      ...(path ? ['--', path] : []),
    ]);
    const shas = out ? out.split('\n') : [];
    const page = paginate(ctx, req, reply, shas);
    const result = [];
    for (const sha of page) {
      const c = await readCommit(gitDir, sha);
      if (c) result.push(commitJson(ctx, repo, c));
    }
    return result;
  });

  app.get('/repos/:owner/:repo/commits/*', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
    const ref = wildcard(req);
    const sha = await resolveCommit(gitDir, ref);
    const commit = sha ? await readCommit(gitDir, sha) : null;
    if (!commit) throw new ForgeError(422, `No commit found for SHA: ${ref}`);
    const media = requestedMedia(req, ['diff', 'patch', 'sha']);
    if (media === 'sha') return sendMedia(reply, media, commit.sha);
    if (media === 'diff')
      return sendMedia(reply, media, await unifiedDiff(gitDir, commit.parents[0] ?? EMPTY_TREE, commit.sha));
    if (media === 'patch') return sendMedia(reply, media, await formatPatch(gitDir, null, commit.sha));
    return commitJson(ctx, repo, commit, await diffFiles(gitDir, commit.parents[0] ?? null, commit.sha));
  });

  app.get('/repos/:owner/:repo/compare/*', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
    const basehead = wildcard(req);
    const sep = basehead.indexOf('...');
    if (sep <= 0) throw notFound();
    const baseSpec = basehead.slice(0, sep);
    const headSpec = basehead.slice(sep + 3);
    const base = await resolveSide(ctx, req, repo, gitDir, baseSpec);
    const head = await resolveSide(ctx, req, repo, gitDir, headSpec);
    if (!base || !head) throw notFound();
    const mb = await mergeBase(gitDir, base, head);
    if (!mb) throw new ForgeError(404, `No common ancestor between ${baseSpec} and ${headSpec}.`);
    const media = requestedMedia(req, ['diff', 'patch']);
    if (media === 'diff') return sendMedia(reply, media, await unifiedDiff(gitDir, mb, head));
    if (media === 'patch') return sendMedia(reply, media, await formatPatch(gitDir, mb, head));
    const { ahead, behind } = await countAheadBehind(gitDir, base, head);
    const status =
      ahead === 0 && behind === 0
        ? 'identical'
        : behind === 0
          ? 'ahead'
          : ahead === 0
            ? 'behind'
            : 'diverged';
    const commits = [];
    for (const sha of await commitsBetween(gitDir, base, head)) {
      const c = await readCommit(gitDir, sha);
      if (c) commits.push(commitJson(ctx, repo, c));
    }
    const files = await diffFiles(gitDir, mb, head);
    const { api, html } = repoUrls(ctx, repo);
    return {
      url: `${api}/compare/${basehead}`,
      html_url: `${html}/compare/${basehead}`,
      permalink_url: `${html}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
      diff_url: `${html}/compare/${basehead}.diff`,
      patch_url: `${html}/compare/${basehead}.patch`,
      base_commit: commitJson(ctx, repo, (await readCommit(gitDir, base))!),
      merge_base_commit: commitJson(ctx, repo, (await readCommit(gitDir, mb))!),
      status,
      ahead_by: ahead,
      behind_by: behind,
      total_commits: ahead,
      commits,
      files: files.map((f) => diffEntryJson(ctx, repo, head, f)),
    };
  });
}
