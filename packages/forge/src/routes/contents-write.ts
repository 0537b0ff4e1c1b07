import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { branchSha, entryAt, readCommit, safePath, ZERO_SHA } from '../git/read.ts';
import { bodyObject, ForgeError, notFound, unprocessable, validationFailed } from '../http/errors.ts';
import { recordRefUpdates } from '../operations/record-push.ts';
import { writeCommit } from '../operations/write-commit.ts';
import { WRITE_CONTENTS } from '../policies/repo-access.ts';
import { contentBase } from '../presenters/content.ts';
import { gitCommitJson } from '../presenters/git.ts';
import { actorIdentity, repoFromRequest } from './helpers.ts';

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

function identity(value: unknown, field: string) {
  if (value === undefined || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || typeof v.name !== 'string' || typeof v.email !== 'string') {
    throw validationFailed([{ resource: 'Commit', code: 'invalid', field }]);
  }
  return { name: v.name, email: v.email, date: typeof v.date === 'string' ? v.date : undefined };
}

/** `PUT` (create/update) and `DELETE` of one file, as one commit on the branch (GitHub's contents API rules). */
export async function putOrDeleteContents(
  ctx: ForgeContext,
  req: FastifyRequest,
  reply: FastifyReply,
  mode: 'put' | 'delete',
) {
  const { repo, gitDir } = repoFromRequest(ctx, req, WRITE_CONTENTS);
  const path = (req.params as { '*': string })['*'].replace(/^\/+|\/+$/g, '');
  if (!safePath(path) || path.split('/').includes('.git')) {
    throw validationFailed([{ resource: 'Commit', code: 'invalid', field: 'path' }]);
  }
  const body = bodyObject(req.body);
  if (typeof body.message !== 'string')
    throw validationFailed([{ resource: 'Commit', code: 'missing_field', field: 'message' }]);
  let content: Buffer | null = null;
  if (mode === 'put') {
    if (typeof body.content !== 'string')
      throw validationFailed([{ resource: 'Commit', code: 'missing_field', field: 'content' }]);
    if (!BASE64.test(body.content)) throw unprocessable('content is not valid Base64');
    content = Buffer.from(body.content, 'base64');
  }
  const branch = typeof body.branch === 'string' && body.branch ? body.branch : repo.defaultBranch;
  const author =
    identity(body.author, 'author') ??
    identity(body.committer, 'committer') ??
    actorIdentity(ctx, req.principal);
  const committer = identity(body.committer, 'committer') ?? author;
  const sha = typeof body.sha === 'string' ? body.sha : undefined;

  const result = await ctx.locks.run(`repo:${repo.id}`, async () => {
    const tip = await branchSha(gitDir, branch);
    if (!tip && (branch !== repo.defaultBranch || (await branchSha(gitDir, repo.defaultBranch)))) {
      throw new ForgeError(404, `Branch ${branch} not found`);
    }
    const existing = tip ? await entryAt(gitDir, tip, path) : null;
    if (existing?.type === 'tree') throw unprocessable(`${path} is a directory`);
    if (mode === 'delete') {
      if (!existing) throw notFound();
      if (!sha)
        throw validationFailed(
          [{ resource: 'Commit', code: 'missing_field', field: 'sha' }],
          'Invalid request.\n\n"sha" wasn\'t supplied.',
        );
    } else if (existing && !sha) {
      throw unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.');
    }
    if (existing && sha && existing.sha !== sha) throw new ForgeError(409, `${path} does not match ${sha}`);
    const written = await writeCommit(ctx, repo, {
      branch,
      files: { [path]: content },
      message: body.message as string,
      author,
      committer,
      expectedParent: tip,
    });
    if (!written) throw new ForgeError(409, `is at a newer commit than ${tip ?? 'nothing'}; try again`);
    return { ...written, created: !existing };
  });
  await recordRefUpdates(
    ctx,
    repo,
    [{ ref: `refs/heads/${branch}`, before: result.parent ?? ZERO_SHA, after: result.commitSha }],
    req.principal,
  );
  const commit = gitCommitJson(ctx, repo, (await readCommit(gitDir, result.commitSha))!);
  if (mode === 'delete') return { content: null, commit };
  const entry = (await entryAt(gitDir, result.commitSha, path))!;
  reply.code(result.created ? 201 : 200);
  return { content: { ...contentBase(ctx, repo, branch, entry), type: 'file' }, commit };
}
