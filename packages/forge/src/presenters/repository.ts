import type { Principal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { viewerPermissions } from '../policies/repo-access.ts';
import type { RepoRecord } from '../state/model.ts';
import { findAccount, forksOf, fullName, pullsOf, repoById } from '../state/queries.ts';
import { simpleUser } from './user.ts';

export function repoUrls(ctx: ForgeContext, repo: RepoRecord) {
  const name = fullName(repo);
  const api = `${ctx.urls.api}/repos/${name}`;
  const html = `${ctx.urls.web}/${name}`;
  return { api, html, clone: `${ctx.urls.web}/${name}.git` };
}

function ownerJson(ctx: ForgeContext, repo: RepoRecord) {
  const owner = findAccount(ctx.store.read, repo.owner);
  if (!owner) throw new Error(`repository ${fullName(repo)} has no owner account`);
  return { owner, json: simpleUser(ctx, owner) };
}

/** GitHub's `minimal-repository` url set plus identity. */
function baseRepo(ctx: ForgeContext, repo: RepoRecord) {
  const { api, html } = repoUrls(ctx, repo);
  return {
    id: repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString('base64'),
    name: repo.name,
    full_name: fullName(repo),
    private: repo.private,
    owner: ownerJson(ctx, repo).json,
    html_url: html,
    description: repo.description,
    fork: repo.fork,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
  };
}

/** GitHub's `repository` (lists, nested in pulls and payloads). `viewer` adds the `permissions` flags. */
export function repoJson(ctx: ForgeContext, repo: RepoRecord, viewer?: Principal) {
  const state = ctx.store.read;
  const { html, clone } = repoUrls(ctx, repo);
  const host = new URL(ctx.urls.web).host;
  const forks = forksOf(state, repo).length;
  const openPulls = pullsOf(state, repo.id).filter((p) => p.state === 'open').length;
  const json: Record<string, unknown> = {
    ...baseRepo(ctx, repo),
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
    git_url: `git://${host}/${fullName(repo)}.git`,
    ssh_url: `git@${host}:${fullName(repo)}.git`,
    clone_url: clone,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: forks,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openPulls,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks,
    open_issues: openPulls,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
  if (viewer?.kind === 'user') json.permissions = viewerPermissions(state, viewer, repo);
  return json;
}

/** GitHub's `full-repository` (`GET /repos/{owner}/{repo}`, create, update, fork). */
export function fullRepoJson(ctx: ForgeContext, repo: RepoRecord, viewer?: Principal) {
  const state = ctx.store.read;
  const json: Record<string, unknown> = {
    ...repoJson(ctx, repo, viewer),
    temp_clone_token: '',
    allow_squash_merge: repo.allowSquashMerge,
    allow_merge_commit: repo.allowMergeCommit,
    allow_rebase_merge: repo.allowRebaseMerge,
    allow_auto_merge: false,
    delete_branch_on_merge: repo.deleteBranchOnMerge,
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_title: 'COMMIT_OR_PR_TITLE',
    squash_merge_commit_message: 'COMMIT_MESSAGES',
    merge_commit_title: 'MERGE_MESSAGE',
    merge_commit_message: 'PR_TITLE',
    network_count: 0,
    subscribers_count: 0,
  };
  const { owner } = ownerJson(ctx, repo);
  if (owner.type === 'Organization') json.organization = simpleUser(ctx, owner);
  const parent = repo.parentId !== null ? repoById(state, repo.parentId) : null;
  const source = repo.sourceId !== null ? repoById(state, repo.sourceId) : null;
  if (parent) json.parent = repoJson(ctx, parent);
  if (source) json.source = repoJson(ctx, source);
  const root = source ?? repo;
  json.network_count = Object.values(state.repos).filter((r) => r.sourceId === root.id).length;
  return json;
}
