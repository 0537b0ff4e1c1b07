import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { branchSha, listRefs, readCommit } from '../git/read.ts';
import { ForgeError } from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { READ_CONTENTS } from '../policies/repo-access.ts';
import { branchJson, shortBranchJson } from '../presenters/git.ts';
import { repoFromRequest } from './helpers.ts';

export function branchRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get('/repos/:owner/:repo/branches', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS, { emptyOk: true });
    const branches = (await listRefs(gitDir))
      .filter((r) => r.ref.startsWith('refs/heads/'))
      .map((r) => ({ name: r.ref.slice('refs/heads/'.length), sha: r.sha }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const q = req.query as Record<string, unknown>;
    const filtered = q.protected === 'true' ? [] : branches;
    return paginate(ctx, req, reply, filtered).map((b) => {
      const { protection: _p, protection_url: _u, ...short } = shortBranchJson(ctx, repo, b.name, b.sha);
      return short;
    });
  });

  app.get('/repos/:owner/:repo/branches/*', async (req: FastifyRequest) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_CONTENTS, { emptyOk: true });
    const name = (req.params as { '*': string })['*'];
    const sha = await branchSha(gitDir, name);
    const commit = sha ? await readCommit(gitDir, sha) : null;
    if (!commit) throw new ForgeError(404, 'Branch not found');
    return branchJson(ctx, repo, name, commit);
  });
}
