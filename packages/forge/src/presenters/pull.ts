import type { ForgeContext } from '../context.ts';
import type { PullRecord, RepoRecord } from '../state/model.ts';
import { findAccount, repoById } from '../state/queries.ts';
import { repoJson, repoUrls } from './repository.ts';
import { appBotUser, simpleUser } from './user.ts';

export interface PullLiveData {
  baseSha: string;
  headSha: string;
  /** Only for the full `pull-request` shape. */
  details?: {
    commits: number;
    additions: number;
    deletions: number;
    changedFiles: number;
    mergeable: boolean | null;
    /** false while GitHub would still be computing mergeability. */
    mergeableKnown: boolean;
  };
}

function userJson(ctx: ForgeContext, login: string) {
  const account = findAccount(ctx.store.read, login);
  return account ? simpleUser(ctx, account) : appBotUser(ctx);
}

function side(ctx: ForgeContext, repo: RepoRecord | null, ref: string, sha: string, fallbackOwner: string) {
  const owner = repo?.owner ?? fallbackOwner;
  return {
    label: `${owner}:${ref}`,
    ref,
    sha,
    user: userJson(ctx, owner),
    repo: repo ? repoJson(ctx, repo) : null,
  };
}

/** GitHub's `pull-request-simple` (lists), or `pull-request` when `live.details` is given. */
export function pullJson(ctx: ForgeContext, base: RepoRecord, pull: PullRecord, live: PullLiveData) {
  const { api, html } = repoUrls(ctx, base);
  const head = repoById(ctx.store.read, pull.headRepoId);
  const url = `${api}/pulls/${pull.number}`;
  const htmlUrl = `${html}/pull/${pull.number}`;
  const issueUrl = `${api}/issues/${pull.number}`;
  const json: Record<string, unknown> = {
    url,
    id: pull.id,
    node_id: Buffer.from(`011:PullRequest${pull.id}`).toString('base64'),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(ctx, pull.userLogin),
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: pull.draft,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${api}/statuses/${live.headSha}`,
    head: side(ctx, head, pull.headRef, live.headSha, base.owner),
    base: side(ctx, base, pull.baseRef, live.baseSha, base.owner),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${live.headSha}` },
    },
    author_association: authorAssociation(ctx, base, pull.userLogin),
    auto_merge: null,
    active_lock_reason: null,
  };
  if (live.details) {
    const d = live.details;
    const merged = pull.mergedAt !== null;
    Object.assign(json, {
      merged,
      mergeable: pull.state === 'open' && d.mergeableKnown ? d.mergeable : null,
      rebaseable: pull.state === 'open' && d.mergeableKnown ? d.mergeable : null,
      mergeable_state:
        pull.state !== 'open' || !d.mergeableKnown ? 'unknown' : d.mergeable === false ? 'dirty' : 'clean',
      merged_by: pull.mergedBy ? userJson(ctx, pull.mergedBy) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: pull.maintainerCanModify,
      commits: d.commits,
      additions: d.additions,
      deletions: d.deletions,
      changed_files: d.changedFiles,
    });
  }
  return json;
}

function authorAssociation(ctx: ForgeContext, repo: RepoRecord, login: string): string {
  const l = login.toLowerCase();
  if (repo.owner.toLowerCase() === l) return 'OWNER';
  const owner = findAccount(ctx.store.read, repo.owner);
  if (owner?.members?.[l]) return 'MEMBER';
  const c = repo.collaborators[l];
  if (c && c !== 'none') return 'COLLABORATOR';
  return 'CONTRIBUTOR';
}
