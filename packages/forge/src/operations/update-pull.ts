import type { Principal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { branchSha } from '../git/read.ts';
import { notFound, optionalBoolean, optionalString, validationFailed } from '../http/errors.ts';
import { atLeast, userRole } from '../policies/repo-access.ts';
import { actorLogin } from '../routes/helpers.ts';
import type { PullRecord, RepoRecord } from '../state/model.ts';
import { iso, repoById, repoGitDir } from '../state/queries.ts';
import { pullRequestPayload } from '../webhooks/payloads.ts';
import { pullLiveData } from './pull-state.ts';

/** `PATCH /pulls/{n}`: title/body/base edits (`edited`), close (`closed`) and reopen (`reopened`). */
export async function updatePull(
  ctx: ForgeContext,
  base: RepoRecord,
  pull: PullRecord,
  actor: Principal,
  body: Record<string, unknown>,
): Promise<PullRecord> {
  // Users need write access unless they opened the PR; integrations were checked for pull_requests:write.
  if (actor.kind === 'user' && actorLogin(ctx, actor).toLowerCase() !== pull.userLogin.toLowerCase()) {
    if (!atLeast(userRole(ctx.store.read, actor.login, base), 'write')) throw notFound();
  }
  const title = optionalString(body, 'title', 'PullRequest');
  const text = optionalString(body, 'body', 'PullRequest');
  const state = optionalString(body, 'state', 'PullRequest');
  const newBase = optionalString(body, 'base', 'PullRequest');
  const maintainerCanModify = optionalBoolean(body, 'maintainer_can_modify', 'PullRequest');
  if (state !== undefined && state !== 'open' && state !== 'closed') {
    throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'state' }]);
  }
  if (state === 'open' && pull.state === 'closed') {
    if (pull.mergedAt)
      throw validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          field: 'state',
          message: 'state cannot be changed. The pull request has been merged.',
        },
      ]);
    const head = repoById(ctx.store.read, pull.headRepoId);
    if (!head || !(await branchSha(repoGitDir(ctx.reposDir, head), pull.headRef))) {
      throw validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          field: 'state',
          message: 'state cannot be changed. The head branch was deleted.',
        },
      ]);
    }
  }
  let newBaseSha: string | null = null;
  if (newBase !== undefined && newBase !== pull.baseRef) {
    newBaseSha = await branchSha(repoGitDir(ctx.reposDir, base), newBase);
    if (!newBaseSha) throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
  }
  const changes: Record<string, unknown> = {};
  if (title !== undefined && title !== pull.title) changes.title = { from: pull.title };
  if (text !== undefined && text !== pull.body) changes.body = { from: pull.body ?? '' };
  if (newBaseSha) changes.base = { ref: { from: pull.baseRef }, sha: { from: pull.baseSha } };
  const action =
    state === 'closed' && pull.state === 'open'
      ? 'closed'
      : state === 'open' && pull.state === 'closed'
        ? 'reopened'
        : null;

  const updated = ctx.store.mutate((s) => {
    const p = s.pulls[`${pull.repoId}/${pull.number}`];
    const now = iso(ctx.now());
    if (title !== undefined) p.title = title;
    if (text !== undefined) p.body = text;
    if (maintainerCanModify !== undefined) p.maintainerCanModify = maintainerCanModify;
    if (newBaseSha && newBase) {
      p.baseRef = newBase;
      p.baseSha = newBaseSha;
    }
    if (action === 'closed') {
      p.state = 'closed';
      p.closedAt = now;
    } else if (action === 'reopened') {
      p.state = 'open';
      p.closedAt = null;
    }
    p.updatedAt = now;
    return { ...p };
  });
  const live = await pullLiveData(ctx, base, updated, true);
  if (Object.keys(changes).length > 0) {
    ctx.webhooks.emit(
      'pull_request',
      pullRequestPayload(ctx, base, updated, live, actor, 'edited', { changes }),
    );
  }
  if (action) ctx.webhooks.emit('pull_request', pullRequestPayload(ctx, base, updated, live, actor, action));
  return updated;
}
