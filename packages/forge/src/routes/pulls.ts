import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { diffFiles } from '../git/diff.ts';
import { commitsBetween, mergeBase, readCommit } from '../git/read.ts';
import {
  bodyObject,
  notFound,
  optionalBoolean,
  optionalString,
  requireString,
  validationFailed,
} from '../http/errors.ts';
import { formatPatch, requestedMedia, sendMedia, unifiedDiff } from '../http/media-types.ts';
import { paginate } from '../http/pagination.ts';
import { createPull } from '../operations/create-pull.ts';
import { mergePull } from '../operations/merge-pull.ts';
import { pullLiveData } from '../operations/pull-state.ts';
import { updatePull } from '../operations/update-pull.ts';
import { READ_PULLS, WRITE_CONTENTS, WRITE_PULLS } from '../policies/repo-access.ts';
import { commitJson, diffEntryJson } from '../presenters/git.ts';
import { pullJson } from '../presenters/pull.ts';
import type { PullRecord, RepoRecord } from '../state/model.ts';
import { findPull, pullsOf, repoById, repoGitDir } from '../state/queries.ts';
import { queryString, repoFromRequest } from './helpers.ts';

type PullParams = { owner: string; repo: string; number: string };

function pullFromRequest(ctx: ForgeContext, req: FastifyRequest, repo: RepoRecord): PullRecord {
  const n = Number((req.params as PullParams).number);
  const pull = Number.isInteger(n) ? findPull(ctx.store.read, repo.id, n) : null;
  if (!pull) throw notFound();
  return pull;
}

export function pullRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  const full = async (repo: RepoRecord, pull: PullRecord) =>
    pullJson(ctx, repo, pull, await pullLiveData(ctx, repo, pull, true));

  app.post('/repos/:owner/:repo/pulls', async (req, reply) => {
    const { repo } = repoFromRequest(ctx, req, WRITE_PULLS);
    const body = bodyObject(req.body);
    const pull = await createPull(ctx, repo, req.principal, {
      title: requireString(body, 'title', 'PullRequest'),
      head: requireString(body, 'head', 'PullRequest'),
      headRepo: optionalString(body, 'head_repo', 'PullRequest'),
      base: requireString(body, 'base', 'PullRequest'),
      body: optionalString(body, 'body', 'PullRequest'),
      draft: optionalBoolean(body, 'draft', 'PullRequest'),
      maintainerCanModify: optionalBoolean(body, 'maintainer_can_modify', 'PullRequest'),
    });
    reply.code(201);
    reply.header('location', `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`);
    return full(repo, pull);
  });

  app.get('/repos/:owner/:repo/pulls', async (req, reply) => {
    const { repo } = repoFromRequest(ctx, req, READ_PULLS);
    const state = queryString(req, 'state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state))
      throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'state' }]);
    const head = queryString(req, 'head');
    const base = queryString(req, 'base');
    let pulls = pullsOf(ctx.store.read, repo.id).filter((p) => state === 'all' || p.state === state);
    if (base) pulls = pulls.filter((p) => p.baseRef === base);
    // GitHub filters only on `user:ref-name`; a head without the owner is ignored (all PRs come back).
    if (head?.includes(':')) {
      const [owner, ref] = head.split(/:(.*)/s) as [string, string];
      pulls = pulls.filter((p) => {
        const headRepo = repoById(ctx.store.read, p.headRepoId);
        return headRepo?.owner.toLowerCase() === owner.toLowerCase() && (ref === '' || p.headRef === ref);
      });
    }
    const sort = queryString(req, 'sort') ?? 'created';
    const key = (p: PullRecord) => (sort === 'updated' ? p.updatedAt : String(p.number).padStart(12, '0'));
    pulls.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number));
    if ((queryString(req, 'direction') ?? 'desc') === 'desc') pulls.reverse();
    const page = paginate(ctx, req, reply, pulls);
    const out = [];
    for (const p of page) out.push(pullJson(ctx, repo, p, await pullLiveData(ctx, repo, p, false)));
    return out;
  });

  app.get('/repos/:owner/:repo/pulls/:number', async (req, reply) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, READ_PULLS);
    const pull = pullFromRequest(ctx, req, repo);
    const media = requestedMedia(req, ['diff', 'patch']);
    if (media) {
      const live = await pullLiveData(ctx, repo, pull, false);
      const from = (await mergeBase(gitDir, live.baseSha, live.headSha).catch(() => null)) ?? live.baseSha;
      return sendMedia(
        reply,
        media,
        media === 'diff'
          ? await unifiedDiff(gitDir, from, live.headSha)
          : await formatPatch(gitDir, from, live.headSha),
      );
    }
    return full(repo, pull);
  });

  app.patch('/repos/:owner/:repo/pulls/:number', async (req) => {
    const { repo } = repoFromRequest(ctx, req, WRITE_PULLS);
    const pull = pullFromRequest(ctx, req, repo);
    const updated = await updatePull(ctx, repo, pull, req.principal, bodyObject(req.body));
    return full(repo, updated);
  });

  app.put('/repos/:owner/:repo/pulls/:number/merge', async (req) => {
    const { repo } = repoFromRequest(ctx, req, WRITE_CONTENTS);
    const pull = pullFromRequest(ctx, req, repo);
    const body = bodyObject(req.body);
    return mergePull(ctx, repo, pull, req.principal, {
      method: optionalString(body, 'merge_method', 'PullRequest'),
      sha: optionalString(body, 'sha', 'PullRequest'),
      commitTitle: optionalString(body, 'commit_title', 'PullRequest'),
      commitMessage: optionalString(body, 'commit_message', 'PullRequest'),
    });
  });

  app.get('/repos/:owner/:repo/pulls/:number/merge', async (req, reply) => {
    const { repo } = repoFromRequest(ctx, req, READ_PULLS);
    const pull = pullFromRequest(ctx, req, repo);
    if (!pull.mergedAt) throw notFound();
    reply.code(204);
    return '';
  });

  app.get('/repos/:owner/:repo/pulls/:number/commits', async (req, reply) => {
    const { repo } = repoFromRequest(ctx, req, READ_PULLS);
    const pull = pullFromRequest(ctx, req, repo);
    const live = await pullLiveData(ctx, repo, pull, false);
    const gitDir = repoGitDir(ctx.reposDir, repo);
    const from = (await mergeBase(gitDir, live.baseSha, live.headSha)) ?? live.baseSha;
    const shas = await commitsBetween(gitDir, pull.mergedAt ? from : live.baseSha, live.headSha);
    const out = [];
    for (const sha of paginate(ctx, req, reply, shas)) {
      const c = await readCommit(gitDir, sha);
      if (c) out.push(commitJson(ctx, repo, c));
    }
    return out;
  });

  app.get('/repos/:owner/:repo/pulls/:number/files', async (req, reply) => {
    const { repo } = repoFromRequest(ctx, req, READ_PULLS);
    const pull = pullFromRequest(ctx, req, repo);
    const live = await pullLiveData(ctx, repo, pull, false);
    const gitDir = repoGitDir(ctx.reposDir, repo);
    const from = (await mergeBase(gitDir, live.baseSha, live.headSha)) ?? live.baseSha;
    const files = await diffFiles(gitDir, from, live.headSha);
    return paginate(ctx, req, reply, files).map((f) => diffEntryJson(ctx, repo, live.headSha, f));
  });
}
