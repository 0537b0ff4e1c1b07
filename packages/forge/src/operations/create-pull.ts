import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { branchSha, commitsBetween } from '../git/read.ts';
import { deleteRef, fetchRef } from '../git/write.ts';
import { validationFailed } from '../http/errors.ts';
import { canAccess, READ_CONTENTS } from '../policies/repo-access.ts';
import { actorLogin } from '../routes/helpers.ts';
import type { PullRecord, RepoRecord } from '../state/model.ts';
import { findRepo, iso, networkRoot, repoGitDir } from '../state/queries.ts';
import { pullRequestPayload } from '../webhooks/payloads.ts';
import { pullLiveData, syncPullHeadRef } from './pull-state.ts';

export interface CreatePullInput {
  title: string;
  head: string;
  headRepo?: string;
  base: string;
  body?: string | null;
  draft?: boolean;
  maintainerCanModify?: boolean;
}

const invalid = (field: string) => validationFailed([{ resource: 'PullRequest', field, code: 'invalid' }]);
const custom = (message: string) => validationFailed([{ resource: 'PullRequest', code: 'custom', message }]);

/** Finds the head repository: `owner:branch` names a repo of the same fork network owned by `owner`. */
function headRepository(ctx: ForgeContext, base: RepoRecord, owner: string | null, repoName?: string) {
  const state = ctx.store.read;
  if (!owner) return base;
  if (repoName) return findRepo(state, owner, repoName);
  const root = networkRoot(state, base).id;
  return (
    Object.values(state.repos).find(
      (r) => r.owner.toLowerCase() === owner.toLowerCase() && networkRoot(state, r).id === root,
    ) ?? null
  );
}

export async function createPull(
  ctx: ForgeContext,
  base: RepoRecord,
  actor: Principal,
  input: CreatePullInput,
): Promise<PullRecord> {
  const colon = input.head.indexOf(':');
  const headOwner = colon === -1 ? null : input.head.slice(0, colon);
  const headRef = colon === -1 ? input.head : input.head.slice(colon + 1);
  const head = headRepository(ctx, base, headOwner, input.headRepo);
  const state = ctx.store.read;
  if (!head || networkRoot(state, head).id !== networkRoot(state, base).id) throw invalid('head');
  if (!canAccess(state, actor, head, READ_CONTENTS)) throw invalid('head');
  const baseDir = repoGitDir(ctx.reposDir, base);
  const baseSha = await branchSha(baseDir, input.base);
  if (!baseSha) throw invalid('base');
  const headSha = await branchSha(repoGitDir(ctx.reposDir, head), headRef);
  if (!headSha) throw invalid('head');
  const label = `${head.owner}:${headRef}`;
  const duplicate = Object.values(state.pulls).find(
    (p) =>
      p.repoId === base.id &&
      p.state === 'open' &&
      p.headRepoId === head.id &&
      p.headRef === headRef &&
      p.baseRef === input.base,
  );
  if (duplicate) throw custom(`A pull request already exists for ${label}.`);

  // Copy the head into the base repository first, so "no commits between" is answered there.
  const probe = `refs/forge-tmp/${randomUUID()}`;
  await fetchRef(baseDir, repoGitDir(ctx.reposDir, head), `refs/heads/${headRef}`, probe);
  const ahead = await commitsBetween(baseDir, baseSha, headSha, 1);
  await deleteRef(baseDir, probe);
  if (ahead.length === 0) throw custom(`No commits between ${input.base} and ${headOwner ? label : headRef}`);

  const stored = ctx.store.mutate((s) => {
    const r = s.repos[String(base.id)];
    const now = iso(ctx.now());
    const record: PullRecord = {
      id: ctx.store.nextId(s),
      number: r.nextNumber,
      repoId: base.id,
      title: input.title,
      body: input.body ?? null,
      state: 'open',
      draft: input.draft ?? false,
      userLogin: actorLogin(ctx, actor),
      headRepoId: head.id,
      headRef,
      headSha,
      baseRef: input.base,
      baseSha,
      maintainerCanModify: input.maintainerCanModify ?? head.id !== base.id,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
    };
    r.nextNumber += 1;
    s.pulls[`${base.id}/${record.number}`] = record;
    return { ...record };
  });
  await syncPullHeadRef(ctx, base, stored);
  const live = await pullLiveData(ctx, base, stored, true);
  ctx.webhooks.emit('pull_request', pullRequestPayload(ctx, base, stored, live, actor, 'opened'));
  return stored;
}
