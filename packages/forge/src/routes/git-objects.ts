import type { FastifyInstance } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { isSha, lsTree, objectType, readBlob, readCommit, resolveTree, type TreeEntry } from '../git/read.ts';
import { buildTree, commitTree, hashBlob, type TreeChange } from '../git/write.ts';
import { bodyObject, notFound, unprocessable, validationFailed } from '../http/errors.ts';
import { READ_CONTENTS, WRITE_CONTENTS } from '../policies/repo-access.ts';
import { gitCommitJson } from '../presenters/git.ts';
import { repoUrls } from '../presenters/repository.ts';
import type { RepoRecord } from '../state/model.ts';
import { actorIdentity, repoFromRequest } from './helpers.ts';

const MODES = new Set(['100644', '100755', '040000', '160000', '120000']);
const TYPE_FOR_MODE: Record<string, TreeChange['type']> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '040000': 'tree',
  '160000': 'commit',
};

/** base64 wrapped at 60 columns with a trailing newline, as GitHub returns file content. */
export function githubBase64(content: Buffer): string {
  const b64 = content.toString('base64');
  return b64.length === 0 ? '' : `${b64.replace(/.{60}/g, '$&\n').replace(/\n$/, '')}\n`;
}

function treeJson(ctx: ForgeContext, repo: RepoRecord, sha: string, entries: TreeEntry[]) {
  const { api } = repoUrls(ctx, repo);
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    tree: entries.map((e) => {
      const item: Record<string, unknown> = { path: e.path, mode: e.mode, type: e.type, sha: e.sha };
      if (e.type === 'blob') item.size = e.size ?? 0;
      if (e.type !== 'commit') item.url = `${api}/git/${e.type === 'blob' ? 'blobs' : 'trees'}/${e.sha}`;
      return item;
    }),
    truncated: false,
  };
}

function validPath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path.length > 0 &&
    !path.startsWith('/') &&
    !path.endsWith('/') &&
    path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..' && seg !== '.git')
  );
}

function person(value: unknown, field: string): { name: string; email: string; date?: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || typeof v.name !== 'string' || typeof v.email !== 'string') {
    throw validationFailed([{ resource: 'Commit', code: 'invalid', field }]);
  }
  return { name: v.name, email: v.email, date: typeof v.date === 'string' ? v.date : undefined };
}

export function gitObjectRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get<{ Params: { owner: string; repo: string; sha: string } }>(
    '/repos/:owner/:repo/git/commits/:sha',
    async (req) => {
      const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
      const commit = await readCommit(gitDir, req.params.sha);
      if (!commit) throw notFound();
      return gitCommitJson(ctx, repo, commit);
    },
  );

  app.get<{ Params: { owner: string; repo: string; sha: string } }>(
    '/repos/:owner/:repo/git/trees/:sha',
    async (req) => {
      const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
      const tree = await resolveTree(gitDir, req.params.sha);
      if (!tree) throw notFound();
      const recursive = (req.query as Record<string, unknown>).recursive;
      const entries = await lsTree(
        gitDir,
        tree,
        recursive !== undefined && recursive !== '' && recursive !== '0' && recursive !== 'false',
      );
      return treeJson(ctx, repo, tree, entries);
    },
  );

  app.get<{ Params: { owner: string; repo: string; sha: string } }>(
    '/repos/:owner/:repo/git/blobs/:sha',
    async (req) => {
      const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
      const { sha } = req.params;
      if (!isSha(sha)) throw validationFailed([{ resource: 'Blob', code: 'invalid', field: 'sha' }]);
      const content = (await objectType(gitDir, sha)) === 'blob' ? await readBlob(gitDir, sha) : null;
      if (!content) throw notFound();
      return {
        sha,
        node_id: Buffer.from(`04:Blob${repo.id}:${sha}`).toString('base64'),
        size: content.length,
        url: `${repoUrls(ctx, repo).api}/git/blobs/${sha}`,
        content: githubBase64(content),
        encoding: 'base64',
      };
    },
  );

  app.post('/repos/:owner/:repo/git/blobs', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, WRITE_CONTENTS);
    const body = bodyObject(req.body);
    if (typeof body.content !== 'string')
      throw validationFailed([{ resource: 'Blob', code: 'missing_field', field: 'content' }]);
    const encoding = body.encoding ?? 'utf-8';
    if (encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'base64') {
      throw validationFailed([{ resource: 'Blob', code: 'invalid', field: 'encoding' }]);
    }
    const content =
      encoding === 'base64' ? Buffer.from(body.content, 'base64') : Buffer.from(body.content, 'utf8');
    const sha = await hashBlob(gitDir, content);
    reply.code(201);
    return { url: `${repoUrls(ctx, repo).api}/git/blobs/${sha}`, sha };
  });

  app.post('/repos/:owner/:repo/git/trees', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, WRITE_CONTENTS);
    const body = bodyObject(req.body);
    if (!Array.isArray(body.tree))
      throw validationFailed([{ resource: 'Tree', code: 'missing_field', field: 'tree' }]);
    let baseTree: string | null = null;
    if (body.base_tree !== undefined && body.base_tree !== null) {
      if (typeof body.base_tree !== 'string')
        throw validationFailed([{ resource: 'Tree', code: 'invalid', field: 'base_tree' }]);
      baseTree = await resolveTree(gitDir, body.base_tree);
      if (!baseTree) throw unprocessable('base_tree is not a valid tree oid');
    }
    const changes: TreeChange[] = [];
    for (const raw of body.tree as unknown[]) {
      const e = (raw ?? {}) as Record<string, unknown>;
      const mode = String(e.mode ?? '');
      if (!validPath(e.path) || !MODES.has(mode)) throw unprocessable('Invalid tree info');
      const type = TYPE_FOR_MODE[mode];
      if (e.type !== undefined && e.type !== type) throw unprocessable('Invalid tree info');
      if (typeof e.content === 'string') {
        if (type !== 'blob') throw unprocessable('Invalid tree info');
        changes.push({ path: e.path, mode, type, sha: await hashBlob(gitDir, e.content) });
      } else if (e.sha === null) {
        changes.push({ path: e.path, mode, type, sha: null });
      } else {
        const sha = typeof e.sha === 'string' ? e.sha : '';
        const actual = type === 'commit' ? (isSha(sha) ? 'commit' : null) : await objectType(gitDir, sha);
        if (actual !== type) throw unprocessable('Invalid tree info');
        changes.push({ path: e.path, mode, type, sha });
      }
    }
    const sha = await buildTree(gitDir, baseTree, changes);
    reply.code(201);
    return treeJson(ctx, repo, sha, await lsTree(gitDir, sha));
  });

  app.post('/repos/:owner/:repo/git/commits', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, WRITE_CONTENTS);
    const body = bodyObject(req.body);
    if (typeof body.message !== 'string')
      throw validationFailed([{ resource: 'Commit', code: 'missing_field', field: 'message' }]);
    if (typeof body.tree !== 'string')
      throw validationFailed([{ resource: 'Commit', code: 'missing_field', field: 'tree' }]);
    if ((await objectType(gitDir, body.tree)) !== 'tree') throw unprocessable('Tree SHA does not exist');
    const parents = body.parents ?? [];
    if (!Array.isArray(parents))
      throw validationFailed([{ resource: 'Commit', code: 'invalid', field: 'parents' }]);
    for (const p of parents) {
      if (typeof p !== 'string' || (await objectType(gitDir, p)) !== 'commit') {
        throw unprocessable('Parent SHA does not exist or is not a commit object');
      }
    }
    const author = person(body.author, 'author') ?? actorIdentity(ctx, req.principal);
    const committer = person(body.committer, 'committer') ?? author;
    const sha = await commitTree(gitDir, {
      tree: body.tree,
      parents: parents as string[],
      message: body.message,
      author,
      committer,
      nowMs: ctx.now(),
    });
    reply.code(201);
    reply.header('location', `${repoUrls(ctx, repo).api}/git/commits/${sha}`);
    return gitCommitJson(ctx, repo, (await readCommit(gitDir, sha))!);
  });
}
