import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ForgeContext } from '../context.ts';
import {
  branchSha,
  entryAt,
  lsTree,
  readBlob,
  readCommit,
  readGitmodules,
  resolveCommit,
} from '../git/read.ts';
import { ForgeError, notFound } from '../http/errors.ts';
import { READ_CONTENTS } from '../policies/repo-access.ts';
import { contentBase, directoryItem, submoduleContent } from '../presenters/content.ts';
import { putOrDeleteContents } from './contents-write.ts';
import { githubBase64 } from './git-objects.ts';
import { queryString, repoFromRequest } from './helpers.ts';

const MAX_INLINE_BYTES = 1024 * 1024;

const wantsRaw = (req: FastifyRequest) =>
  /application\/vnd\.github(\.v3)?\.raw/.test(String(req.headers.accept ?? ''));

export function contentRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  const get = async (req: FastifyRequest, reply: FastifyReply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
    const path = ((req.params as { '*'?: string })['*'] ?? '').replace(/^\/+|\/+$/g, '');
    const ref = queryString(req, 'ref') || repo.defaultBranch;
    const commit = await resolveCommit(gitDir, ref);
    if (!commit) {
      if (!(await branchSha(gitDir, repo.defaultBranch)))
        throw new ForgeError(404, 'This repository is empty.');
      throw new ForgeError(404, `No commit found for the ref ${ref}`);
    }
    if (path === '') {
      const tree = (await readCommit(gitDir, commit))!.tree;
      return (await lsTree(gitDir, tree)).map((e) => directoryItem(ctx, repo, ref, e));
    }
    const entry = await entryAt(gitDir, commit, path);
    if (!entry) throw notFound();
    if (entry.type === 'tree') {
      const entries = await lsTree(gitDir, entry.sha);
      return entries.map((e) => directoryItem(ctx, repo, ref, { ...e, path: `${path}/${e.path}` }));
    }
    if (entry.type === 'commit') {
      const url = (await readGitmodules(gitDir, commit)).get(path);
      return submoduleContent(ctx, repo, ref, entry, url ?? '');
    }
    // GitHub: files over 1 MB come back without content (encoding "none"); the raw media type still works.
    if ((entry.size ?? 0) > MAX_INLINE_BYTES && !wantsRaw(req)) {
      return { type: 'file', encoding: 'none', ...contentBase(ctx, repo, ref, entry), content: '' };
    }
    const content = (await readBlob(gitDir, entry.sha)) ?? Buffer.alloc(0);
    if (wantsRaw(req)) {
      reply.type('application/vnd.github.raw; charset=utf-8');
      return content;
    }
    if (entry.mode === '120000') {
      return { type: 'symlink', target: content.toString('utf8'), ...contentBase(ctx, repo, ref, entry) };
    }
    return {
      type: 'file',
      encoding: 'base64',
      ...contentBase(ctx, repo, ref, entry),
      content: githubBase64(content),
    };
  };
  app.get('/repos/:owner/:repo/contents', get);
  app.get('/repos/:owner/:repo/contents/*', get);

  app.put('/repos/:owner/:repo/contents/*', async (req, reply) =>
    putOrDeleteContents(ctx, req, reply, 'put'),
  );
  app.delete('/repos/:owner/:repo/contents/*', async (req, reply) =>
    putOrDeleteContents(ctx, req, reply, 'delete'),
  );
}
