import type { Principal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import type { DiffFile } from '../git/diff.ts';
import type { CommitData } from '../git/read.ts';
import { type PullLiveData, pullJson } from '../presenters/pull.ts';
import { repoJson, repoUrls } from '../presenters/repository.ts';
import { actorJson } from '../routes/helpers.ts';
import type { PullRecord, RepoRecord } from '../state/model.ts';
import { installationCovers, installationForAccount } from '../state/queries.ts';

/** `installation` is present when the App is installed on the repository (what App webhooks carry). */
function installationField(ctx: ForgeContext, repo: RepoRecord) {
  const inst = installationForAccount(ctx.store.read, repo.owner);
  if (!inst || !installationCovers(inst, repo)) return {};
  return {
    installation: { id: inst.id, node_id: Buffer.from(`023:Installation${inst.id}`).toString('base64') },
  };
}

function base(ctx: ForgeContext, repo: RepoRecord, actor: Principal) {
  return { repository: repoJson(ctx, repo), sender: actorJson(ctx, actor), ...installationField(ctx, repo) };
}

export interface PushCommit {
  commit: CommitData;
  files: DiffFile[];
}

export function pushPayload(
  ctx: ForgeContext,
  repo: RepoRecord,
  actor: Principal,
  update: { ref: string; before: string; after: string; forced: boolean },
  commits: PushCommit[],
) {
  const { html } = repoUrls(ctx, repo);
  const zero = /^0+$/;
  const commitJson = ({ commit: c, files }: PushCommit) => ({
    id: c.sha,
    tree_id: c.tree,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    url: `${html}/commit/${c.sha}`,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
    added: files.filter((f) => f.status === 'added').map((f) => f.filename),
    removed: files.filter((f) => f.status === 'removed').map((f) => f.filename),
    modified: files.filter((f) => f.status !== 'added' && f.status !== 'removed').map((f) => f.filename),
  });
  const sender = actorJson(ctx, actor);
  const list = commits.map(commitJson);
  return {
    ref: update.ref,
    before: update.before,
    after: update.after,
    created: zero.test(update.before),
    deleted: zero.test(update.after),
    forced: update.forced,
    base_ref: null,
    compare: `${html}/compare/${update.before.slice(0, 12)}...${update.after.slice(0, 12)}`,
    commits: list,
    head_commit: list.at(-1) ?? null,
    pusher: { name: sender.login, email: `${sender.id}+${sender.login}@users.noreply.github.com` },
    ...base(ctx, repo, actor),
  };
}

export function pullRequestPayload(
  ctx: ForgeContext,
  repo: RepoRecord,
  pull: PullRecord,
  live: PullLiveData,
  actor: Principal,
  action: 'opened' | 'closed' | 'reopened' | 'synchronize' | 'edited',
  extra: Record<string, unknown> = {},
) {
  const details = live.details ?? {
    commits: 0,
    additions: 0,
    deletions: 0,
    changedFiles: 0,
    mergeable: null,
    mergeableKnown: false,
  };
  return {
    action,
    number: pull.number,
    ...extra,
    pull_request: pullJson(ctx, repo, pull, { ...live, details }),
    ...base(ctx, repo, actor),
  };
}
