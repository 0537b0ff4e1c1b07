import { rm } from 'node:fs/promises';
import type { ForgeContext } from '../context.ts';
import { git } from '../git/run.ts';
import { setHead } from '../git/write.ts';
import type { AccountRecord, RepoRecord } from '../state/model.ts';
import { findRepo, iso, networkRoot, repoGitDir, reposOwnedBy } from '../state/queries.ts';
import { assertRepoNameFree } from './create-repo.ts';

/**
 * GitHub semantics: one fork per account and network (an existing fork is returned as is); the fork is a
 * full git copy with `fork: true`, `parent` = the repo forked, `source` = the network root.
 */
export async function forkRepository(
  ctx: ForgeContext,
  parent: RepoRecord,
  owner: AccountRecord,
  opts: { name?: string; defaultBranchOnly?: boolean } = {},
): Promise<RepoRecord> {
  const state = ctx.store.read;
  const root = networkRoot(state, parent);
  const existing = reposOwnedBy(state, owner.login).find((r) => r.id === root.id || r.sourceId === root.id);
  if (existing) return existing;
  let name = opts.name ?? parent.name;
  if (!opts.name) {
    for (let i = 1; findRepo(state, owner.login, name); i++) name = `${parent.name}-${i}`;
  }
  assertRepoNameFree(ctx, owner.login, name);
  const src = repoGitDir(ctx.reposDir, parent);
  const dest = repoGitDir(ctx.reposDir, { owner: owner.login, name });
  await rm(dest, { recursive: true, force: true });
  const cloneArgs = ['clone', '--bare', '--quiet'];
  if (opts.defaultBranchOnly) cloneArgs.push('--single-branch', `--branch=${parent.defaultBranch}`);
  await git(null, [...cloneArgs, src, dest]);
  await git(dest, ['remote', 'remove', 'origin'], { okCodes: [2] });
  await setHead(dest, parent.defaultBranch);
  return ctx.store.mutate((s) => {
    const now = iso(ctx.now());
    const record: RepoRecord = {
      id: ctx.store.nextId(s),
      owner: owner.login,
      name,
      private: parent.private,
      description: parent.description,
      defaultBranch: parent.defaultBranch,
      fork: true,
      parentId: parent.id,
      sourceId: root.id,
      allowMergeCommit: true,
      allowSquashMerge: true,
      allowRebaseMerge: true,
      deleteBranchOnMerge: false,
      collaborators: {},
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      nextNumber: 1,
    };
    s.repos[String(record.id)] = record;
    return record;
  });
}
