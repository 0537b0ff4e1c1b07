import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { isAncestor, isSha, listRefs, objectType, readRef, ZERO_SHA } from '../git/read.ts';
import { checkRefFormat, deleteRef, updateRef } from '../git/write.ts';
import { bodyObject, notFound, optionalBoolean, unprocessable, validationFailed } from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { recordRefUpdates } from '../operations/record-push.ts';
import { READ_CONTENTS, WRITE_CONTENTS } from '../policies/repo-access.ts';
import { refJson } from '../presenters/git.ts';
import { repoFromRequest } from './helpers.ts';

// Fastify has already percent-decoded route params.
const wildcard = (req: FastifyRequest) => (req.params as { '*'?: string })['*'] ?? '';

export function gitRefRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get('/repos/:owner/:repo/git/ref/*', async (req) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
    const ref = await readRef(gitDir, `refs/${wildcard(req)}`);
    if (!ref) throw notFound();
    return refJson(ctx, repo, ref);
  });

  app.get('/repos/:owner/:repo/git/matching-refs/*', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
    const prefix = `refs/${wildcard(req)}`;
    const refs = (await listRefs(gitDir)).filter((r) => r.ref.startsWith(prefix));
    return paginate(ctx, req, reply, refs).map((r) => refJson(ctx, repo, r));
  });

  // Legacy list endpoint (still served by GitHub, used by @octokit/fixtures): exact match -> object, else array.
  const legacyList = async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS);
    const sub = wildcard(req).replace(/\/$/, '');
    const refs = await listRefs(gitDir);
    const exact = sub ? refs.find((r) => r.ref === `refs/${sub}`) : undefined;
    if (exact) return refJson(ctx, repo, exact);
    const prefix = sub ? `refs/${sub}/` : 'refs/';
    const matching = refs.filter((r) => r.ref.startsWith(prefix));
    if (sub && matching.length === 0) throw notFound();
    return paginate(ctx, req, reply, matching).map((r) => refJson(ctx, repo, r));
  };
  app.get('/repos/:owner/:repo/git/refs', legacyList);
  app.get('/repos/:owner/:repo/git/refs/*', legacyList);

  app.post('/repos/:owner/:repo/git/refs', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, WRITE_CONTENTS);
    const body = bodyObject(req.body);
    const ref = body.ref;
    const sha = body.sha;
    if (typeof ref !== 'string')
      throw validationFailed([{ resource: 'Reference', code: 'missing_field', field: 'ref' }]);
    if (typeof sha !== 'string')
      throw validationFailed([{ resource: 'Reference', code: 'missing_field', field: 'sha' }]);
    if (!ref.startsWith('refs/') || ref.split('/').length < 3 || !(await checkRefFormat(ref))) {
      throw unprocessable('Reference name is not valid');
    }
    if (!isSha(sha) || !(await objectType(gitDir, sha))) throw unprocessable('Object does not exist');
    const created = await ctx.locks.run(`repo:${repo.id}`, () => updateRef(gitDir, ref, sha, ZERO_SHA));
    if (!created) throw unprocessable('Reference already exists');
    await recordRefUpdates(ctx, repo, [{ ref, before: ZERO_SHA, after: sha }], req.principal);
    reply.code(201);
    reply.header('location', `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/git/${ref}`);
    return refJson(ctx, repo, (await readRef(gitDir, ref))!);
  });

  app.patch('/repos/:owner/:repo/git/refs/*', async (req) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, WRITE_CONTENTS);
    const body = bodyObject(req.body);
    const sha = body.sha;
    if (typeof sha !== 'string')
      throw validationFailed([{ resource: 'Reference', code: 'missing_field', field: 'sha' }]);
    const force = optionalBoolean(body, 'force', 'Reference') ?? false;
    const name = `refs/${wildcard(req)}`;
    const result = await ctx.locks.run(`repo:${repo.id}`, async () => {
      const current = await readRef(gitDir, name);
      if (!current) throw unprocessable('Reference does not exist');
      if (!isSha(sha) || !(await objectType(gitDir, sha))) throw unprocessable('Object does not exist');
      if (!force && current.sha !== sha && !(await isAncestor(gitDir, current.sha, sha))) {
        throw unprocessable('Update is not a fast forward');
      }
      if (!(await updateRef(gitDir, name, sha, current.sha)))
        throw unprocessable('Reference cannot be updated');
      return current.sha;
    });
    if (result !== sha)
      await recordRefUpdates(ctx, repo, [{ ref: name, before: result, after: sha }], req.principal);
    return refJson(ctx, repo, (await readRef(gitDir, name))!);
  });

  app.delete('/repos/:owner/:repo/git/refs/*', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, WRITE_CONTENTS);
    const name = `refs/${wildcard(req)}`;
    const before = await ctx.locks.run(`repo:${repo.id}`, async () => {
      const current = await readRef(gitDir, name);
      if (!current || !(await deleteRef(gitDir, name, current.sha)))
        throw unprocessable('Reference does not exist');
      return current.sha;
    });
    await recordRefUpdates(ctx, repo, [{ ref: name, before, after: ZERO_SHA }], req.principal);
    reply.code(204);
    return '';
  });
}
