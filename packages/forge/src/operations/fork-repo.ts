import { rm } from 'node:fs/promises';
import type { ForgeContext } from '../context.ts';
import { git } from '../git/run.ts';
import { initBare } from '../git/write.ts';
import type { AccountRecord, RepoRecord } from '../state/model.ts';
import { findRepo, iso, networkRoot, repoById, repoGitDir, reposOwnedBy } from '../state/queries.ts';
import { assertRepoNameFree } from './create-repo.ts';

/**
 * GitHub semantics: one fork per account and network (an existing fork is returned as is); the fork is a
 * git copy with `fork: true`, `parent` = the repo forked, `source` = the network root, populated
 * asynchronously (`delays.forkMs`, default on).
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
  const dest = repoGitDir(ctx.reposDir, { owner: owner.login, name });
  await rm(dest, { recursive: true, force: true });
  await initBare(dest, parent.defaultBranch);
  const fork = ctx.store.mutate((s) => {
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
      populating: true,
      ...(opts.defaultBranchOnly ? { populateDefaultBranchOnly: true } : {}),
    };
    s.repos[String(record.id)] = record;
    return record;
  });
  const copy = populateFork(ctx, fork.id, ctx.delays.forkMs);
  if (ctx.delays.forkMs <= 0) await copy;
  else void ctx.background.track(copy).catch(() => undefined);
  return fork;
}

/**
 * Copies the parent's branches (or only its default branch) into the fork after `delayMs`, then marks the
 * fork populated. Until then the fork exists but is empty, as on GitHub right after the 202.
 */
async function populateFork(ctx: ForgeContext, forkId: number, delayMs: number): Promise<void> {
  if (delayMs > 0 && !(await waitUnlessClosed(ctx, delayMs))) return; // finished at the next start
  const fork = repoById(ctx.store.read, forkId);
  const parent = fork?.parentId != null ? repoById(ctx.store.read, fork.parentId) : null;
  if (!fork?.populating) return;
  if (parent) {
    const only = fork.populateDefaultBranchOnly;
    const refspec = only
      ? `refs/heads/${parent.defaultBranch}:refs/heads/${parent.defaultBranch}`
      : 'refs/heads/*:refs/heads/*';
    // Not forced: a branch pushed to the fork in the meantime is kept.
    await git(
      repoGitDir(ctx.reposDir, fork),
      ['fetch', '--quiet', repoGitDir(ctx.reposDir, parent), refspec],
      {
        okCodes: [1],
      },
    );
  }
  ctx.store.mutate((s) => {
    const r = s.repos[String(forkId)];
    if (!r) return;
    delete r.populating;
    delete r.populateDefaultBranchOnly;
  });
}

/** A fork left half-copied by a crash or a stop is completed at start-up. */
export async function finishInterruptedForks(ctx: ForgeContext): Promise<void> {
  for (const repo of Object.values(ctx.store.read.repos))
    if (repo.populating) await populateFork(ctx, repo.id, 0);
}

const waiting = new WeakMap<ForgeContext, Set<{ timer: NodeJS.Timeout; done: (ran: boolean) => void }>>();

/** Resolves true after `ms`, or false at once when the forge closes first. */
function waitUnlessClosed(ctx: ForgeContext, ms: number): Promise<boolean> {
  let set = waiting.get(ctx);
  if (!set) {
    set = new Set();
    waiting.set(ctx, set);
  }
  const pending = set;
  return new Promise((resolve) => {
    const entry = {
      timer: setTimeout(() => entry.done(true), ms),
      done: (ran: boolean) => {
        clearTimeout(entry.timer);
        pending.delete(entry);
        resolve(ran);
      },
    };
    pending.add(entry);
  });
}

/** On close: forks still waiting are left marked `populating` and completed when the forge starts again. */
export function cancelPendingForks(ctx: ForgeContext): void {
  for (const entry of [...(waiting.get(ctx) ?? [])]) entry.done(false);
}
