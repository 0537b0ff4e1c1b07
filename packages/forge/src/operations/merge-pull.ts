import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { branchSha, commitsBetween, mergeBase, readCommit } from '../git/read.ts';
import { git, gitText } from '../git/run.ts';
import { commitTree, updateRef } from '../git/write.ts';
import { ForgeError, validationFailed } from '../http/errors.ts';
import { actorIdentity, actorLogin } from '../routes/helpers.ts';
import type { PullRecord, RepoRecord } from '../state/model.ts';
import { iso, repoById, repoGitDir } from '../state/queries.ts';
import { pullRequestPayload } from '../webhooks/payloads.ts';
import { pullLiveData, syncPullHeadRef } from './pull-state.ts';
import { recordRefUpdates } from './record-push.ts';

export type MergeMethod = 'merge' | 'squash' | 'rebase';

const NOT_ALLOWED: Record<MergeMethod, string> = {
  merge: 'Merge commits are not allowed on this repository.',
  squash: 'Squash merges are not allowed on this repository.',
  rebase: 'Rebase merges are not allowed on this repository.',
};
const GITHUB_COMMITTER = { name: 'GitHub', email: 'noreply@github.com' };
const notMergeable = () => new ForgeError(405, 'Pull Request is not mergeable');

async function mergeTree(gitDir: string, base: string, head: string): Promise<string> {
  const r = await git(gitDir, ['merge-tree', '--write-tree', '--no-messages', base, head], { okCodes: [1] });
  if (r.code !== 0) throw notMergeable();
  return r.stdout.toString().split('\n')[0].trim();
}

/** Replays head's commits onto base in a throw-away worktree (git 2.39 merge-tree has no --merge-base). */
async function rebaseCommits(
  ctx: ForgeContext,
  gitDir: string,
  base: string,
  head: string,
  who: { name: string; email: string },
) {
  const dir = join(tmpdir(), `forge-rebase-${randomUUID()}`);
  await git(gitDir, ['worktree', 'add', '--quiet', '--detach', dir, head]);
  try {
    const env = {
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_COMMITTER_DATE: `@${Math.floor(ctx.now() / 1000)} +0000`,
    };
    const r = await git(null, ['-C', dir, 'rebase', '--quiet', '--no-autostash', base], {
      env,
      okCodes: [1, 128],
    });
    if (r.code !== 0) {
      await git(null, ['-C', dir, 'rebase', '--abort'], { okCodes: [1, 128] });
      throw notMergeable();
    }
    return await gitText(null, ['-C', dir, 'rev-parse', 'HEAD']);
  } finally {
    await git(gitDir, ['worktree', 'remove', '--force', dir], { okCodes: [1, 128] });
    await rm(dir, { recursive: true, force: true });
    await git(gitDir, ['worktree', 'prune'], { okCodes: [1, 128] });
  }
}

export interface MergeInput {
  method?: string;
  sha?: string;
  commitTitle?: string;
  commitMessage?: string;
}

/** `PUT /pulls/{n}/merge`: a real merge (or squash/rebase) commit on the base branch, if the repo allows it. */
export async function mergePull(
  ctx: ForgeContext,
  base: RepoRecord,
  pull: PullRecord,
  actor: Principal,
  input: MergeInput,
): Promise<{ sha: string; merged: true; message: string }> {
  const method = (input.method ?? 'merge') as MergeMethod;
  if (!(method in NOT_ALLOWED))
    throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'merge_method' }]);
  const allowed = {
    merge: base.allowMergeCommit,
    squash: base.allowSquashMerge,
    rebase: base.allowRebaseMerge,
  }[method];
  if (!allowed) throw new ForgeError(405, NOT_ALLOWED[method]);
  if (pull.state !== 'open') throw notMergeable();
  const gitDir = repoGitDir(ctx.reposDir, base);
  const who = actorIdentity(ctx, actor);
  const headRepo = repoById(ctx.store.read, pull.headRepoId);

  const { baseTip, newSha, headSha } = await ctx.locks.run(`repo:${base.id}`, async () => {
    const headSha = await syncPullHeadRef(ctx, base, pull);
    if (!headSha) throw notMergeable();
    if (input.sha && input.sha !== headSha) {
      throw new ForgeError(409, 'Head branch was modified. Review and try the merge again.');
    }
    const baseTip = await branchSha(gitDir, pull.baseRef);
    if (!baseTip) throw notMergeable();
    let newSha: string;
    if (method === 'rebase') {
      newSha = await rebaseCommits(ctx, gitDir, baseTip, headSha, GITHUB_COMMITTER);
    } else {
      const tree = await mergeTree(gitDir, baseTip, headSha);
      let title: string;
      let body: string;
      if (method === 'merge') {
        title =
          input.commitTitle ??
          `Merge pull request #${pull.number} from ${headRepo?.owner ?? base.owner}/${pull.headRef}`;
        body = input.commitMessage ?? pull.title;
      } else {
        title = input.commitTitle ?? `${pull.title} (#${pull.number})`;
        const from = (await mergeBase(gitDir, baseTip, headSha)) ?? baseTip;
        const messages = [];
        for (const sha of await commitsBetween(gitDir, from, headSha)) {
          const c = await readCommit(gitDir, sha);
          if (c) messages.push(`* ${c.message}`);
        }
        body = input.commitMessage ?? messages.join('\n\n');
      }
      newSha = await commitTree(gitDir, {
        tree,
        parents: method === 'merge' ? [baseTip, headSha] : [baseTip],
        message: body ? `${title}\n\n${body}\n` : `${title}\n`,
        author: who,
        committer: GITHUB_COMMITTER,
        nowMs: ctx.now(),
      });
    }
    if (!(await updateRef(gitDir, `refs/heads/${pull.baseRef}`, newSha, baseTip))) {
      throw new ForgeError(409, 'Base branch was modified. Review and try the merge again.');
    }
    return { baseTip, newSha, headSha };
  });

  const merged = ctx.store.mutate((state) => {
    const p = state.pulls[`${pull.repoId}/${pull.number}`];
    const now = iso(ctx.now());
    Object.assign(p, {
      state: 'closed',
      closedAt: now,
      mergedAt: now,
      updatedAt: now,
      mergedBy: actorLogin(ctx, actor),
      mergeCommitSha: newSha,
      headSha,
      baseSha: baseTip,
    });
    return { ...p };
  });
  await recordRefUpdates(
    ctx,
    base,
    [{ ref: `refs/heads/${pull.baseRef}`, before: baseTip, after: newSha }],
    actor,
  );
  const live = await pullLiveData(ctx, base, merged, true);
  ctx.webhooks.emit('pull_request', pullRequestPayload(ctx, base, merged, live, actor, 'closed'));
  return { sha: newSha, merged: true, message: 'Pull Request successfully merged' };
}
