import type { ForgeContext } from '../context.ts';
import { diffFiles } from '../git/diff.ts';
import { branchSha, commitsBetween, mergeBase, readRef } from '../git/read.ts';
import { git } from '../git/run.ts';
import { fetchRef } from '../git/write.ts';
import type { PullLiveData } from '../presenters/pull.ts';
import type { PullRecord, RepoRecord } from '../state/model.ts';
import { repoById, repoGitDir } from '../state/queries.ts';

/** Copies the PR head into the base repository as `refs/pull/{n}/head`, as GitHub does. */
export async function syncPullHeadRef(
  ctx: ForgeContext,
  base: RepoRecord,
  pull: PullRecord,
): Promise<string | null> {
  const baseDir = repoGitDir(ctx.reposDir, base);
  const ref = `refs/pull/${pull.number}/head`;
  const head = repoById(ctx.store.read, pull.headRepoId);
  if (!head) return (await readRef(baseDir, ref))?.sha ?? null;
  const headDir = repoGitDir(ctx.reposDir, head);
  const sha = await branchSha(headDir, pull.headRef);
  if (!sha) return (await readRef(baseDir, ref))?.sha ?? null;
  const current = await readRef(baseDir, ref);
  if (current?.sha !== sha) await fetchRef(baseDir, headDir, `refs/heads/${pull.headRef}`, ref);
  return sha;
}

/** Whether `head` merges cleanly into `base` (git merge-tree, no worktree). */
export async function mergesCleanly(gitDir: string, baseSha: string, headSha: string): Promise<boolean> {
  const r = await git(gitDir, ['merge-tree', '--write-tree', '--no-messages', baseSha, headSha], {
    okCodes: [1],
  });
  return r.code === 0;
}

/**
 * GitHub computes mergeability in the background: right after a PR is opened or its base/head moves, the
 * PR reports `mergeable: null`, `mergeable_state: "unknown"`; reading it starts the computation, which
 * here takes `delays.mergeabilityMs`.
 */
function mergeabilityKnown(ctx: ForgeContext, pull: PullRecord, baseSha: string, headSha: string): boolean {
  const key = `${pull.repoId}/${pull.number}`;
  const entry = ctx.mergeability.get(key);
  if (entry && entry.baseSha === baseSha && entry.headSha === headSha) return Date.now() >= entry.readyAt;
  ctx.mergeability.set(key, { baseSha, headSha, readyAt: Date.now() + ctx.delays.mergeabilityMs });
  return ctx.delays.mergeabilityMs <= 0;
}

/** Current base/head shas (open PRs follow their branches) and, on request, the counts of the full shape. */
export async function pullLiveData(
  ctx: ForgeContext,
  base: RepoRecord,
  pull: PullRecord,
  withDetails: boolean,
): Promise<PullLiveData> {
  const baseDir = repoGitDir(ctx.reposDir, base);
  let baseSha = pull.baseSha;
  let headSha = pull.headSha;
  if (pull.state === 'open') {
    baseSha = (await branchSha(baseDir, pull.baseRef)) ?? pull.baseSha;
    headSha = (await syncPullHeadRef(ctx, base, pull)) ?? pull.headSha;
  }
  if (!withDetails) return { baseSha, headSha };
  const from = (await mergeBase(baseDir, baseSha, headSha).catch(() => null)) ?? baseSha;
  const files = await diffFiles(baseDir, from, headSha).catch(() => []);
  const commits = await commitsBetween(baseDir, pull.mergedAt ? from : baseSha, headSha).catch(() => []);
  const known = pull.state === 'open' && mergeabilityKnown(ctx, pull, baseSha, headSha);
  const mergeable = known ? await mergesCleanly(baseDir, baseSha, headSha).catch(() => null) : null;
  return {
    baseSha,
    headSha,
    details: {
      commits: commits.length,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changedFiles: files.length,
      mergeable,
      mergeableKnown: known,
    },
  };
}
