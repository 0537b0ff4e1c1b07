import { spawn } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitRunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for merge-tree conflicts). */
  okCodes?: number[];
}

/** Identity used when git needs one and no other is supplied; keeps git from reading user config. */
const BASE_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  HOME: '/nonexistent',
  XDG_CONFIG_HOME: '/nonexistent',
  GIT_AUTHOR_NAME: 'forge',
  GIT_AUTHOR_EMAIL: 'forge@localhost',
  GIT_COMMITTER_NAME: 'forge',
  GIT_COMMITTER_EMAIL: 'forge@localhost',
  LC_ALL: 'C',
  // Paths from URLs are file names, never pathspec magic (globs, :(exclude), …).
  GIT_LITERAL_PATHSPECS: '1',
};

export class GitError extends Error {
  readonly code: number;
  readonly stderr: string;
  constructor(args: string[], code: number, stderr: string) {
    super(`git ${args.join(' ')} exited ${code}: ${stderr.trim()}`);
    this.code = code;
    this.stderr = stderr;
  }
}

export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...BASE_ENV, ...extra };
}

/** Runs `git --git-dir=<gitDir> ...args`; rejects on a non-zero exit not listed in okCodes. */
export function git(gitDir: string | null, args: string[], opts: GitRunOptions = {}): Promise<GitResult> {
  const fullArgs = gitDir ? [`--git-dir=${gitDir}`, ...args] : args;
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, { env: gitEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.stdin.on('error', () => {
      // git may exit before reading all input (e.g. invalid object); the exit code tells the story.
    });
    child.on('close', (code) => {
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code === 0 || opts.okCodes?.includes(result.code)) resolve(result);
      else reject(new GitError(fullArgs, result.code, result.stderr));
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** stdout as trimmed text. */
export async function gitText(
  gitDir: string | null,
  args: string[],
  opts: GitRunOptions = {},
): Promise<string> {
  const r = await git(gitDir, args, opts);
  return r.stdout.toString('utf8').trim();
}
