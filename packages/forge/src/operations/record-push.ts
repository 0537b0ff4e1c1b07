import type { Principal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { diffFiles } from '../git/diff.ts';
import { isAncestor, readCommit, ZERO_SHA } from '../git/read.ts';
import { gitText } from '../git/run.ts';
import type { RepoRecord } from '../state/model.ts';
import { iso, repoById, repoGitDir } from '../state/queries.ts';
import { type PushCommit, pullRequestPayload, pushPayload } from '../webhooks/payloads.ts';
import { pullLiveData, syncPullHeadRef } from './pull-state.ts';

export interface RefUpdate {
  ref: string;
  before: string;
  after: string;
}

const MAX_PAYLOAD_COMMITS = 20;

async function pushedCommits(gitDir: string, u: RefUpdate): Promise<PushCommit[]> {
  if (u.after === ZERO_SHA) return [];
  // A new branch lists the commits no other branch has (the new ref itself is already in place).
  const others = u.ref.startsWith('refs/heads/')
    ? [`--exclude=${u.ref.slice('refs/heads/'.length)}`, '--branches']
    : [`--exclude=${u.ref}`, '--all'];
  const range = u.before === ZERO_SHA ? [u.after, '--not', ...others] : [u.after, `^${u.before}`];
  const out = await gitText(gitDir, [
    'rev-list',
    '--reverse',
    `--max-count=${MAX_PAYLOAD_COMMITS}`,
    ...range,
  ]);
  const result: PushCommit[] = [];
  for (const sha of out ? out.split('\n') : []) {
    const commit = await readCommit(gitDir, sha);
    if (!commit) continue;
    result.push({ commit, files: await diffFiles(gitDir, commit.parents[0] ?? null, sha) });
  }
  return result;
}

/**
 * Everything that follows a ref change, however it happened (git push, refs API, contents API, merge):
 * `pushed_at`, open pull requests following the branch (`synchronize`), and the `push` webhook.
 * Never throws: the ref change already happened.
 */
export async function recordRefUpdates(
  ctx: ForgeContext,
  repo: RepoRecord,
  updates: RefUpdate[],
  actor: Principal,
): Promise<void> {
  if (updates.length === 0) return;
  try {
    const gitDir = repoGitDir(ctx.reposDir, repo);
    ctx.store.mutate((state) => {
      const r = state.repos[String(repo.id)];
      if (r) r.pushedAt = r.updatedAt = iso(ctx.now());
    });
    for (const u of updates) {
      if (ctx.webhooks.active) {
        const forced =
          u.before !== ZERO_SHA && u.after !== ZERO_SHA && !(await isAncestor(gitDir, u.before, u.after));
        const commits = await pushedCommits(gitDir, u);
        ctx.webhooks.emit('push', pushPayload(ctx, repo, actor, { ...u, forced }, commits));
      }
      if (u.ref.startsWith('refs/heads/') && u.after !== ZERO_SHA) {
        await synchronizePulls(ctx, repo, u.ref.slice('refs/heads/'.length), u, actor);
      }
    }
  } catch (err) {
    console.error('[forge] post-push bookkeeping failed', err);
  }
}

async function synchronizePulls(
  ctx: ForgeContext,
  headRepo: RepoRecord,
  branch: string,
  u: RefUpdate,
  actor: Principal,
): Promise<void> {
  const pulls = Object.values(ctx.store.read.pulls).filter(
    (p) => p.state === 'open' && p.headRepoId === headRepo.id && p.headRef === branch,
  );
  for (const pull of pulls) {
    const base = repoById(ctx.store.read, pull.repoId);
    if (!base) continue;
    await syncPullHeadRef(ctx, base, pull);
    const before = pull.headSha;
    const updated = ctx.store.mutate((state) => {
      const p = state.pulls[`${pull.repoId}/${pull.number}`];
      p.headSha = u.after;
      p.updatedAt = iso(ctx.now());
      return { ...p };
    });
    const live = await pullLiveData(ctx, base, updated, true);
    ctx.webhooks.emit(
      'pull_request',
      pullRequestPayload(ctx, base, updated, live, actor, 'synchronize', { before, after: u.after }),
    );
  }
}
