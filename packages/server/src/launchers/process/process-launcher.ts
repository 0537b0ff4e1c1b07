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
  /** How often a runner killed by a signal (not by cancel) is started again; default 2. */
  maxRestarts?: number;
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
  /** Sessions being stopped on purpose: their runner is not restarted. */
  private readonly stopping = new Set<string>();

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

    const deadline = setTimeout(() => void this.cancel(spec.sessionId), spec.timeoutMs + 30_000);
    deadline.unref();
    const finish = (exit: RunnerExit) => {
      clearTimeout(deadline);
      this.stopping.delete(spec.sessionId);
      fs.rmSync(secretsDir, { recursive: true, force: true });
      this.rememberFinished(dir);
      for (const l of this.listeners) l(exit);
    };
    await this.spawnRunner(spec, { workDir, tokenFile, credentialsFile }, this.opts.maxRestarts ?? 2, finish);
  }

  /**
   * Starts the runner; a runner that dies from a signal nobody here sent (OOM killer, a stray kill -9) is
   * started again on the same work directory, where its durable outbox resends what was not acknowledged.
   */
  private async spawnRunner(
    spec: LaunchSpec,
    files: { workDir: string; tokenFile: string; credentialsFile: string },
    restartsLeft: number,
    finish: (exit: RunnerExit) => void,
  ): Promise<void> {
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
        HOME: files.workDir,
        ...spec.env,
        RFE_WORK_DIR: files.workDir,
        RFE_RUNNER_TOKEN_FILE: files.tokenFile,
        RFE_GIT_CREDENTIALS_FILE: files.credentialsFile,
        RFE_TIMEOUT_MS: String(spec.timeoutMs),
      },
    });
    this.children.set(spec.sessionId, child);
    const log = this.opts.logger.child({ session: spec.sessionId, component: 'runner' });
    child.stdout?.on('data', (b: Buffer) => log.debug(b.toString('utf8').trimEnd()));
    child.stderr?.on('data', (b: Buffer) => log.debug(b.toString('utf8').trimEnd()));
    child.once('exit', (code, signal) => {
      this.children.delete(spec.sessionId);
      if (signal && !this.stopping.has(spec.sessionId) && restartsLeft > 0) {
        log.warn({ signal }, 'runner died unexpectedly; starting it again on its work directory');
        void this.spawnRunner(spec, files, restartsLeft - 1, finish).catch((err: Error) =>
          finish({ sessionId: spec.sessionId, exitCode: null, reason: err.message }),
        );
        return;
      }
      finish({
        sessionId: spec.sessionId,
        exitCode: code,
        ...(signal ? { reason: `killed by ${signal}` } : {}),
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => reject(new Error(`Could not start the runner: ${err.message}`)));
    });
  }

  /** The runner's process id (tests use it to kill the runner like the OOM killer would). */
  pidOf(sessionId: string): number | undefined {
    return this.children.get(sessionId)?.pid;
  }

  async cancel(sessionId: string, graceMs = 3000): Promise<void> {
    const child = this.children.get(sessionId);
    if (!child?.pid) return;
    this.stopping.add(sessionId);
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
