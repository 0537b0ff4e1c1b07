import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { LaunchSpec, RunnerExit, RunnerLauncher } from '../launcher.ts';

export interface ProcessLauncherOptions {
  /** Each session gets `{runsDir}/{sessionId}/work` and a private `{runsDir}/{sessionId}/secrets`. */
  runsDir: string;
  /** How to start the runner: default `node --import tsx packages/runner/src/main.ts` from the repo root. */
  command?: { file: string; args: string[]; cwd: string };
  /** Finished sessions' work directories kept for inspection; older ones are removed. */
  keepFinished?: number;
  logger: Logger;
}

const repoRoot = path.resolve(import.meta.dirname, '../../../../..');

/**
 * The embedded launcher: one child process per session in its own process group and work directory.
 * Secrets are files with mode 0600 in a directory only this user can read, removed when the runner exits.
 */
export class ProcessLauncher implements RunnerLauncher {
  readonly kind = 'process';
  private readonly children = new Map<string, ChildProcess>();
  private readonly listeners: ((exit: RunnerExit) => void)[] = [];
  private readonly finished: string[] = [];

  constructor(private readonly opts: ProcessLauncherOptions) {
    fs.mkdirSync(opts.runsDir, { recursive: true, mode: 0o700 });
  }

  async launch(spec: LaunchSpec): Promise<void> {
    const dir = path.join(this.opts.runsDir, spec.sessionId);
    const workDir = path.join(dir, 'work');
    const secretsDir = path.join(dir, 'secrets');
    fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
    const tokenFile = path.join(secretsDir, 'runner-token');
    const credentialsFile = path.join(secretsDir, 'git-credentials.json');
    fs.writeFileSync(tokenFile, spec.secrets.runnerToken, { mode: 0o600 });
    fs.writeFileSync(credentialsFile, spec.secrets.gitCredentials, { mode: 0o600 });

    const command = this.opts.command ?? {
      file: process.execPath,
      args: ['--import', 'tsx', path.join(repoRoot, 'packages/runner/src/main.ts')],
      cwd: repoRoot,
    };
    const child = spawn(command.file, command.args, {
      cwd: command.cwd,
      detached: true, // own process group, so cancel reaches every command the runner started
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: workDir,
        ...spec.env,
        RFE_WORK_DIR: workDir,
        RFE_RUNNER_TOKEN_FILE: tokenFile,
        RFE_GIT_CREDENTIALS_FILE: credentialsFile,
        RFE_TIMEOUT_MS: String(spec.timeoutMs),
      },
    });
    this.children.set(spec.sessionId, child);
    const log = this.opts.logger.child({ session: spec.sessionId, component: 'runner' });
    child.stdout?.on('data', (b: Buffer) => log.debug(b.toString('utf8').trimEnd()));
    child.stderr?.on('data', (b: Buffer) => log.debug(b.toString('utf8').trimEnd()));
    const deadline = setTimeout(() => void this.cancel(spec.sessionId), spec.timeoutMs + 30_000);
    deadline.unref();
    child.once('exit', (code, signal) => {
      clearTimeout(deadline);
      this.children.delete(spec.sessionId);
      fs.rmSync(secretsDir, { recursive: true, force: true });
      this.rememberFinished(dir);
      const exit: RunnerExit = {
        sessionId: spec.sessionId,
        exitCode: code,
        ...(signal ? { reason: `killed by ${signal}` } : {}),
      };
      for (const l of this.listeners) l(exit);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => reject(new Error(`Could not start the runner: ${err.message}`)));
    });
  }

  async cancel(sessionId: string, graceMs = 3000): Promise<void> {
    const child = this.children.get(sessionId);
    if (!child?.pid) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  onExit(listener: (exit: RunnerExit) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.children.keys()].map((id) => this.cancel(id, 1000)));
  }

  private rememberFinished(dir: string): void {
    this.finished.push(dir);
    const keep = this.opts.keepFinished ?? 20;
    while (this.finished.length > keep) fs.rmSync(this.finished.shift()!, { recursive: true, force: true });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
