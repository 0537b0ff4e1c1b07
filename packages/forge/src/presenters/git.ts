import type { ForgeContext } from '../context.ts';
import type { DiffFile } from '../git/diff.ts';
import type { CommitData, RefInfo } from '../git/read.ts';
import type { RepoRecord } from '../state/model.ts';
import { repoUrls } from './repository.ts';
import { simpleUser } from './user.ts';

const UNSIGNED = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };
const nodeId = (type: string, sha: string) => Buffer.from(`06:${type}${sha}`).toString('base64');

/** The account a git identity belongs to: noreply address `{id}+{login}@…` or the account's email. */
function userForIdentity(ctx: ForgeContext, email: string) {
  const m = /^(\d+)\+([^@]+)@/.exec(email);
  const accounts = Object.values(ctx.store.read.accounts);
  const account = m
    ? accounts.find((a) => a.id === Number(m[1]) && a.login.toLowerCase() === m[2].toLowerCase())
    : accounts.find((a) => a.email !== null && a.email.toLowerCase() === email.toLowerCase());
  return account ? simpleUser(ctx, account) : null;
}

/** GitHub's `git-commit` (Git Database API). */
export function gitCommitJson(ctx: ForgeContext, repo: RepoRecord, c: CommitData) {
  const { api, html } = repoUrls(ctx, repo);
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${html}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${html}/commit/${p}`,
    })),
    verification: UNSIGNED,
  };
}

export function diffEntryJson(ctx: ForgeContext, repo: RepoRecord, headSha: string, f: DiffFile) {
  const { api, html } = repoUrls(ctx, repo);
  const path = encodeURI(f.filename);
  const entry: Record<string, unknown> = {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${html}/blob/${headSha}/${path}`,
    raw_url: `${html}/raw/${headSha}/${path}`,
    contents_url: `${api}/contents/${path}?ref=${headSha}`,
  };
  if (f.previousFilename) entry.previous_filename = f.previousFilename;
  return entry;
}

/** GitHub's `commit` (REST commits API), optionally with `files` and `stats`. */
export function commitJson(ctx: ForgeContext, repo: RepoRecord, c: CommitData, files?: DiffFile[]) {
  const { api, html } = repoUrls(ctx, repo);
  const json: Record<string, unknown> = {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: UNSIGNED,
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${html}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    author: userForIdentity(ctx, c.author.email),
    committer: userForIdentity(ctx, c.committer.email),
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${html}/commit/${p}` })),
  };
  if (files) {
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    json.stats = { total: additions + deletions, additions, deletions };
    json.files = files.map((f) => diffEntryJson(ctx, repo, c.sha, f));
  }
  return json;
}

/** GitHub's `git-ref`. */
export function refJson(ctx: ForgeContext, repo: RepoRecord, ref: RefInfo) {
  const { api } = repoUrls(ctx, repo);
  const objectPath =
    ref.type === 'tag' ? 'tags' : ref.type === 'tree' ? 'trees' : ref.type === 'blob' ? 'blobs' : 'commits';
  return {
    ref: ref.ref,
    node_id: Buffer.from(`03:Ref${repo.id}:${ref.ref}`).toString('base64'),
    url: `${api}/git/${ref.ref}`,
    object: { sha: ref.sha, type: ref.type, url: `${api}/git/${objectPath}/${ref.sha}` },
  };
}

/** GitHub's `short-branch`. */
export function shortBranchJson(ctx: ForgeContext, repo: RepoRecord, name: string, sha: string) {
  const { api } = repoUrls(ctx, repo);
  return {
    name,
    commit: { sha, url: `${api}/commits/${sha}` },
    protected: false,
    protection: {
      enabled: false,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}

/** GitHub's `branch-with-protection`. */
export function branchJson(ctx: ForgeContext, repo: RepoRecord, name: string, c: CommitData) {
  const { api, html } = repoUrls(ctx, repo);
  return {
    name,
    commit: commitJson(ctx, repo, c),
    _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${html}/tree/${name}` },
    protected: false,
    protection: {
      enabled: false,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}
