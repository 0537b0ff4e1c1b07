import type { AgentUser } from '../process/agent-user.ts';
import { killGroup, spawnInGroup } from '../process/process-groups.ts';
import type { Redactor } from '../redactor.ts';
import { GitAuth } from './git-auth.ts';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  override readonly name = 'GitError';

  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    super(`git ${args[0]} failed (${result.code}): ${lastLines(result.stderr) || 'no output'}`);
  }

  /** git's own explanation ("fatal: …", "remote: …"), condensed to a few lines. */
  get reason(): string {
    return lastLines(this.result.stderr) || `exit code ${this.result.code}`;
  }
}

export interface GitRunOptions {
  /** Remote URLs this command contacts; each gets its token (see GitAuth). */
  urls?: readonly string[];
  /** Resolve with the result instead of throwing when git exits non-zero. */
  allowFailure?: boolean;
}

export interface GitSettings {
  auth: GitAuth;
  redactor: Redactor;
  author: { name: string; email: string };
  /** Stops every running git command (cancel, timeout). */
  signal: AbortSignal;
  /** Allow file:// remotes and submodules (local workspaces and tests only). */
  allowFileProtocol: boolean;
  /** Run as the agent's uid, in the agent's environment (git on the tree while agent code runs). */
  agent?: { user: AgentUser | undefined; env: NodeJS.ProcessEnv };
}

/** Runs git non-interactively, as the user, with per-URL credentials and cancellation. */
export class Git {
  constructor(readonly settings: GitSettings) {}

  async run(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const { signal } = this.settings;
    if (signal.aborted) throw new GitError(args, { code: 130, stdout: '', stderr: 'cancelled' });
    const child = spawnInGroup(
      'git',
      args,
      { cwd, env: this.#env(options.urls ?? []), stdio: 'pipe' },
      this.settings.agent?.user,
    );
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    const stop = () => killGroup(child);
    signal.addEventListener('abort', stop, { once: true });
    const code = await new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('close', (exit) => resolve(exit ?? 130));
    }).finally(() => signal.removeEventListener('abort', stop));
    const result = {
      code,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: this.settings.redactor.text(Buffer.concat(stderr).toString('utf8')),
    };
    if (code !== 0 && !options.allowFailure) throw new GitError(args, result);
    return result;
  }

  /** The same runner with other credentials (one step's tokens); the others are not kept. */
  withAuth(auth: GitAuth): Git {
    return new Git({ ...this.settings, auth });
  }

  /**
   * Git for the shell's look at the tree while agent code runs (the file changes it reports): without
   * credentials and as the agent's uid, so whatever the agent wrote into `.git/config` runs, if at all,
   * with the agent's rights and never the shell's.
   */
  asAgent(user: AgentUser | undefined, env: NodeJS.ProcessEnv): Git {
    return new Git({ ...this.settings, auth: new GitAuth([]), agent: { user, env } });
  }

  /** Trimmed stdout of a command that must succeed. */
  async output(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    return (await this.run(cwd, args, options)).stdout.trim();
  }

  #env(urls: readonly string[]): NodeJS.ProcessEnv {
    const { author, auth, allowFileProtocol } = this.settings;
    const config: [string, string][] = [
      ['credential.helper', ''], // no stored or prompting helpers: only the tokens we were given
      ['core.hooksPath', '/dev/null'], // repository content must not run code on commit
      ...auth.configFor(urls),
    ];
    if (allowFileProtocol) config.push(['protocol.file.allow', 'always']);
    const env: NodeJS.ProcessEnv = {
      ...(this.settings.agent?.env ?? process.env),
      LC_ALL: 'C',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: '',
      SSH_ASKPASS: '',
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
      GIT_CONFIG_COUNT: String(config.length),
    };
    config.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
    return env;
  }
}

function lastLines(text: string, count = 4): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^(Cloning into|Submodule '.*' .* registered|hint:)/.test(line))
    .slice(-count)
    .join(' ');
}
