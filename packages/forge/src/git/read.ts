import { git, gitText } from './run.ts';

export const ZERO_SHA = '0000000000000000000000000000000000000000';
const SHA_RE = /^[0-9a-f]{40}$/;

export interface GitPerson {
  name: string;
  email: string;
  /** ISO 8601 without milliseconds. */
  date: string;
}

export interface CommitData {
  sha: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Blob size; undefined for trees and gitlinks. */
  size?: number;
  path: string;
}

export const isSha = (s: string): boolean => SHA_RE.test(s);

/** Revisions that come from URLs are passed to git only when they cannot be read as options or ranges. */
export function safeRev(rev: string): boolean {
  return rev.length > 0 && rev.length < 256 && !rev.startsWith('-') && !/[\s\0~^:?*[\\]|\.\./.test(rev);
}

/** A path inside a repository as GitHub accepts it: relative, no empty, `.` or `..` segments, no NUL. */
export function safePath(path: string): boolean {
  return (
    path.length > 0 &&
    path.length < 4096 &&
    !path.includes('\0') &&
    path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..')
  );
}

export async function resolveCommit(gitDir: string, rev: string): Promise<string | null> {
  if (!safeRev(rev)) return null;
  const r = await git(gitDir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { okCodes: [1, 128] });
  const out = r.stdout.toString().trim();
  return r.code === 0 && isSha(out) ? out : null;
}

export async function resolveTree(gitDir: string, rev: string): Promise<string | null> {
  if (!safeRev(rev)) return null;
  const r = await git(gitDir, ['rev-parse', '--verify', '--quiet', `${rev}^{tree}`], { okCodes: [1, 128] });
  const out = r.stdout.toString().trim();
  return r.code === 0 && isSha(out) ? out : null;
}

export async function objectType(gitDir: string, sha: string): Promise<string | null> {
  if (!isSha(sha)) return null;
  const r = await git(gitDir, ['cat-file', '-t', sha], { okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.toString().trim() : null;
}

export interface RefInfo {
  ref: string;
  sha: string;
  type: string;
}

/** All refs under refs/heads and refs/tags (refs/pull is hidden the way GitHub hides it from listings). */
export async function listRefs(gitDir: string): Promise<RefInfo[]> {
  const out = await gitText(gitDir, [
    'for-each-ref',
    '--format=%(refname) %(objectname) %(objecttype)',
    'refs/heads',
    'refs/tags',
  ]);
  if (!out) return [];
  return out.split('\n').map((line) => {
    const [ref, sha, type] = line.split(' ');
    return { ref, sha, type };
  });
}

export async function readRef(gitDir: string, ref: string): Promise<RefInfo | null> {
  const r = await git(gitDir, ['for-each-ref', '--format=%(refname) %(objectname) %(objecttype)', ref]);
  const line = r.stdout
    .toString()
    .split('\n')
    .find((l) => l.split(' ')[0] === ref);
  if (!line) return null;
  const [name, sha, type] = line.split(' ');
  return { ref: name, sha, type };
}

export async function branchSha(gitDir: string, branch: string): Promise<string | null> {
  const ref = await readRef(gitDir, `refs/heads/${branch}`);
  return ref?.sha ?? null;
}

function parsePerson(line: string): GitPerson {
  const m = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: '', date: new Date(0).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  return {
    name: m[1],
    email: m[2],
    date: new Date(Number(m[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

export async function readCommit(gitDir: string, sha: string): Promise<CommitData | null> {
  if (!isSha(sha)) return null;
  const r = await git(gitDir, ['cat-file', 'commit', sha], { okCodes: [128] });
  if (r.code !== 0) return null;
  const text = r.stdout.toString('utf8');
  const split = text.indexOf('\n\n');
  const header = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? '' : text.slice(split + 2).replace(/\n$/, '');
  const commit: CommitData = {
    sha,
    tree: '',
    parents: [],
    author: parsePerson(''),
    committer: parsePerson(''),
    message,
  };
  for (const line of header.split('\n')) {
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') commit.tree = value;
    else if (key === 'parent') commit.parents.push(value);
    else if (key === 'author') commit.author = parsePerson(value);
    else if (key === 'committer') commit.committer = parsePerson(value);
  }
  return commit;
}

export async function readBlob(gitDir: string, sha: string): Promise<Buffer | null> {
  if (!isSha(sha)) return null;
  const r = await git(gitDir, ['cat-file', 'blob', sha], { okCodes: [128] });
  return r.code === 0 ? r.stdout : null;
}

function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const rec of out.toString('utf8').split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
    entries.push({
      mode,
      type: type as TreeEntry['type'],
      sha,
      size: size === '-' || size === undefined ? undefined : Number(size),
      path: rec.slice(tab + 1),
    });
  }
  return entries;
}

/** Entries of a tree-ish (optionally recursive; recursive listings include the trees themselves). */
export async function lsTree(gitDir: string, treeish: string, recursive = false): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-l', '-z'];
  if (recursive) args.push('-r', '-t');
  args.push(treeish);
  return parseLsTree((await git(gitDir, args)).stdout);
}

/** The entry at `path` inside commit `sha`, or null. */
export async function entryAt(gitDir: string, commitSha: string, path: string): Promise<TreeEntry | null> {
  if (!safePath(path)) return null;
  const r = await git(gitDir, ['ls-tree', '-l', '-z', commitSha, '--', path]);
  return parseLsTree(r.stdout).find((e) => e.path === path) ?? null;
}

/** `.gitmodules` at a commit as path -> url. */
export async function readGitmodules(gitDir: string, commitSha: string): Promise<Map<string, string>> {
  const r = await git(
    gitDir,
    ['config', '--blob', `${commitSha}:.gitmodules`, '--get-regexp', '^submodule\\..*\\.(path|url)$'],
    { okCodes: [1, 128] },
  );
  const byName = new Map<string, { path?: string; url?: string }>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const m = /^submodule\.(.*)\.(path|url) (.*)$/.exec(line);
    if (!m) continue;
    const rec = byName.get(m[1]) ?? {};
    rec[m[2] as 'path' | 'url'] = m[3];
    byName.set(m[1], rec);
  }
  const result = new Map<string, string>();
  for (const rec of byName.values()) if (rec.path && rec.url) result.set(rec.path, rec.url);
  return result;
}

export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const r = await git(gitDir, ['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [1, 128] });
  return r.code === 0;
}

export async function mergeBase(gitDir: string, a: string, b: string): Promise<string | null> {
  const r = await git(gitDir, ['merge-base', a, b], { okCodes: [1] });
  const out = r.stdout.toString().trim();
  return r.code === 0 && isSha(out) ? out : null;
}

/** Commits reachable from `head` but not `base`, oldest first. */
export async function commitsBetween(
  gitDir: string,
  base: string,
  head: string,
  limit = 250,
): Promise<string[]> {
  const out = await gitText(gitDir, ['rev-list', '--reverse', `--max-count=${limit}`, head, `^${base}`]);
  return out ? out.split('\n') : [];
}

export async function countAheadBehind(
  gitDir: string,
  base: string,
  head: string,
): Promise<{ ahead: number; behind: number }> {
  const out = await gitText(gitDir, ['rev-list', '--left-right', '--count', `${base}...${head}`]);
  const [behind, ahead] = out.split(/\s+/).map(Number);
  return { ahead, behind };
}
