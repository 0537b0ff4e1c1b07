import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_SHA } from './read.ts';
import { git, gitText } from './run.ts';

export interface PersonInput {
  name: string;
  email: string;
  /** ISO 8601; default now. */
  date?: string;
}

export interface TreeChange {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  /** null deletes the path (file or directory). */
  sha: string | null;
}

export async function initBare(gitDir: string, defaultBranch: string): Promise<void> {
  await mkdir(gitDir, { recursive: true });
  await git(null, ['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, gitDir]);
}

export async function setHead(gitDir: string, branch: string): Promise<void> {
  await git(gitDir, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
}

export async function hashBlob(gitDir: string, content: Buffer | string): Promise<string> {
  return gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: content });
}

/** Builds a tree from `baseTree` (or empty) plus changes, using a throw-away index file. */
export async function buildTree(
  gitDir: string,
  baseTree: string | null,
  changes: TreeChange[],
): Promise<string> {
  const dir = join(tmpdir(), `forge-index-${randomUUID()}`);
  await mkdir(dir, { recursive: true });
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    await git(gitDir, baseTree ? ['read-tree', baseTree] : ['read-tree', '--empty'], { env });
    const existing = (await git(gitDir, ['ls-files', '-z'], { env })).stdout
      .toString('utf8')
      .split('\0')
      .filter(Boolean);
    const lines: string[] = [];
    const removeUnder = (path: string, includeSelf: boolean) => {
      for (const p of existing) {
        if ((includeSelf && p === path) || p.startsWith(`${path}/`)) lines.push(`0 ${ZERO_SHA}\t${p}`);
      }
    };
    for (const c of changes) {
      if (c.sha === null || c.type === 'tree') removeUnder(c.path, true);
      else {
        removeUnder(c.path, false);
        lines.push(`${c.mode} ${c.sha}\t${c.path}`);
      }
    }
    if (lines.length > 0) {
      await git(gitDir, ['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
    }
    for (const c of changes) {
      if (c.type === 'tree' && c.sha) await git(gitDir, ['read-tree', `--prefix=${c.path}/`, c.sha], { env });
    }
    return await gitText(gitDir, ['write-tree'], { env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function gitDate(iso: string | undefined, nowMs: number): string {
  const ms = iso ? Date.parse(iso) : nowMs;
  return `@${Math.floor((Number.isNaN(ms) ? nowMs : ms) / 1000)} +0000`;
}

export async function commitTree(
  gitDir: string,
  opts: {
    tree: string;
    parents: string[];
    message: string;
    author: PersonInput;
    committer?: PersonInput;
    nowMs: number;
  },
): Promise<string> {
  const committer = opts.committer ?? opts.author;
  const args = ['commit-tree', opts.tree];
  for (const p of opts.parents) args.push('-p', p);
  return gitText(gitDir, args, {
    input: opts.message,
    env: {
      GIT_AUTHOR_NAME: opts.author.name,
      GIT_AUTHOR_EMAIL: opts.author.email,
      GIT_AUTHOR_DATE: gitDate(opts.author.date, opts.nowMs),
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: gitDate(committer.date, opts.nowMs),
    },
  });
}

/** Compare-and-swap ref update; `oldSha` ZERO_SHA means "must not exist". Returns false when the ref moved. */
export async function updateRef(
  gitDir: string,
  ref: string,
  newSha: string,
  oldSha?: string,
): Promise<boolean> {
  const args = ['update-ref', ref, newSha];
  if (oldSha !== undefined) args.push(oldSha);
  const r = await git(gitDir, args, { okCodes: [1, 128] });
  return r.code === 0;
}

export async function deleteRef(gitDir: string, ref: string, oldSha?: string): Promise<boolean> {
  const args = ['update-ref', '-d', ref];
  if (oldSha !== undefined) args.push(oldSha);
  const r = await git(gitDir, args, { okCodes: [1, 128] });
  return r.code === 0;
}

/** Copies `srcRef` of another local repository into `destRef` here (objects included). */
export async function fetchRef(
  gitDir: string,
  srcGitDir: string,
  srcRef: string,
  destRef: string,
): Promise<void> {
  await git(gitDir, [
    'fetch',
    '--quiet',
    '--no-tags',
    '--no-write-fetch-head',
    srcGitDir,
    `+${srcRef}:${destRef}`,
  ]);
}

export async function checkRefFormat(ref: string): Promise<boolean> {
  const r = await git(null, ['check-ref-format', ref], { okCodes: [1, 128] });
  return r.code === 0;
}
