import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { LaunchSpec, RunnerExit, RunnerHandle, RunnerLauncher, RunnerState } from '../launcher.ts';
import { AgentUidPool, killProcessesOf, type UidRange } from './agent-uids.ts';
import { type RunFiles, readExitFile, readLaunchFile, runFiles, writeLaunchFile } from './run-files.ts';
import { isSameProcessAlive, processStartTime, signalRunnerGroup, waitUntilGone } from './runner-process.ts';

export interface ProcessLauncherOptions {
  /** Each session gets `{runsDir}/{sessionId}/work` and a private `{runsDir}/{sessionId}/secrets`. */
  runsDir: string;
  /** How to start the runner: default `node packages/runner/dist/main.js` (built by scripts/build.mjs) from the repo root. */
  command?: { file: string; args: string[]; cwd: string };
  /** Finished sessions' work directories kept for inspection; older ones are removed. */
  keepFinished?: number;
  /** How often a runner this launcher follows is looked at when it is not its child (ms); default 500. */
  pollMs?: number;
  logger: Logger;
  /**
   * The secrets of a runner started again: the runner removes its secret files once read (no agent code
   * may read them), so a resumed runner gets freshly issued ones.
   */
  reissueSecrets?: (sessionId: string) => Promise<LaunchSpec['secrets'] | undefined>;
  /**
   * RUNNER_AGENT_UID_RANGE: when the server runs as root, each session's agent processes get a uid/gid of
   * their own from this range (RFE_AGENT_UID). Unset, or not root: they run as the server's user.
   */
  agentUids?: UidRange;
  /**
   * Where sessions with an agent uid keep their work directory: a root-owned 0711 directory outside the
   * data directory (the agent uid must be able to pass through every directory above its work tree, and
   * the data directory must stay closed to it). Default `{os.tmpdir()}/rfe-agent-work`.
   */
  agentWorkRoot?: string;
}

const repoRoot = path.resolve(import.meta.dirname, '../../../../..');

/**
 * The embedded launcher: one runner process per session, detached from the server — its own session and
 * process group, output appended to `runner.log` in its run directory (no pipes that break when the server
 * dies) — so `kill -9` of the server leaves it running and it reconnects by itself. Any instance on the
 * machine finds it again by its handle (pid + start time). Secrets are files with mode 0600 in a directory
 * only this user can read, removed once the session's runner is done for good (`discard`). Run as root
 * with `agentUids`, every session's agent processes get a uid of their own (see packages/runner/README.md,
 * "What agent code can reach").
 */
export class ProcessLauncher implements RunnerLauncher {
  readonly kind = 'process';
  private readonly children = new Map<string, ChildProcess>();
  private readonly followed = new Map<string, ReturnType<typeof setInterval>>();
  private readonly listeners: ((exit: RunnerExit) => void)[] = [];
  private readonly finished: string[][] = [];

  private readonly agents: { pool: AgentUidPool; workRoot: string } | undefined;

  constructor(private readonly opts: ProcessLauncherOptions) {
    fs.mkdirSync(opts.runsDir, { recursive: true, mode: 0o700 });
    if (opts.agentUids && process.getuid?.() === 0) {
      const workRoot = opts.agentWorkRoot ?? path.join(os.tmpdir(), 'rfe-agent-work');
      openOnlyToPassThrough(workRoot);
      this.agents = { pool: new AgentUidPool(path.join(workRoot, '.claims'), opts.agentUids), workRoot };
    } else if (opts.agentUids) {
      opts.logger.warn(
        'the server does not run as root: agent processes run as its own user (no RUNNER_AGENT_UID_RANGE uid)',
      );
    }
  }

  /** Whether sessions' agents get a uid of their own (root with RUNNER_AGENT_UID_RANGE). */
  get separatesAgents(): boolean {
    return this.agents !== undefined;
  }

  async launch(spec: LaunchSpec): Promise<RunnerHandle> {
    const agentUid = this.agents?.pool.claim(spec.sessionId);
    const files = runFiles(
      this.opts.runsDir,
      spec.sessionId,
      this.agents ? path.join(this.agents.workRoot, spec.sessionId) : undefined,
    );
    // The agent uid passes through the run directory to nothing but its work tree: 0711 (search only).
    fs.mkdirSync(files.runDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(files.workDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(files.secretsDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(files.tokenFile, spec.secrets.runnerToken, { mode: 0o600 });
    fs.writeFileSync(files.credentialsFile, spec.secrets.gitCredentials, { mode: 0o600 });
    const env =
      agentUid === undefined
        ? spec.env
        : { ...spec.env, RFE_AGENT_UID: String(agentUid), RFE_AGENT_GID: String(agentUid) };
    writeLaunchFile(files, {
      env,
      timeoutMs: spec.timeoutMs,
      ...(agentUid === undefined ? {} : { workDir: files.workDir, agentUid }),
    });
    return this.spawnRunner(spec.sessionId, files);
  }

  /** Starts the runner again on its work directory, where its durable outbox resends what was not acknowledged. */
  async resume(sessionId: string, handle: RunnerHandle): Promise<RunnerHandle | undefined> {
    if (handle.kind !== 'process') return undefined;
    const files = runFiles(path.dirname(handle.runDir), sessionId);
    const launch = readLaunchFile(files);
    if (!launch || !this.hasSecrets(files) || !fs.existsSync(files.workDir)) return undefined;
    if (isSameProcessAlive(handle.pid, handle.startTime)) return handle;
    if (!fs.existsSync(files.tokenFile)) {
      const secrets = await this.opts.reissueSecrets?.(sessionId);
      if (!secrets) return undefined;
      fs.mkdirSync(files.secretsDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(files.tokenFile, secrets.runnerToken, { mode: 0o600 });
      fs.writeFileSync(files.credentialsFile, secrets.gitCredentials, { mode: 0o600 });
    }
    fs.rmSync(files.exitFile, { force: true });
    return this.spawnRunner(sessionId, files);
  }

  private async spawnRunner(sessionId: string, files: RunFiles): Promise<RunnerHandle> {
    const launch = readLaunchFile(files);
    if (!launch) throw new Error(`The run directory ${files.runDir} has no launch.json.`);
    const command = this.opts.command ?? {
      file: process.execPath,
      args: [path.join(repoRoot, 'packages/runner/dist/main.js')],
      cwd: repoRoot,
    };
    const output = fs.openSync(files.logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(command.file, command.args, {
        cwd: command.cwd,
        // Own session and process group: cancel reaches every command the runner started, and the
        // server's death (its terminal, its process group) does not reach the runner.
        detached: true,
        stdio: ['ignore', output, output],
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: files.workDir,
          ...launch.env,
          RFE_WORK_DIR: files.workDir,
          RFE_RUNNER_TOKEN_FILE: files.tokenFile,
          RFE_GIT_CREDENTIALS_FILE: files.credentialsFile,
          RFE_TIMEOUT_MS: String(launch.timeoutMs),
        },
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', (err) => reject(new Error(`Could not start the runner: ${err.message}`)));
      });
    } finally {
      fs.closeSync(output);
    }
    const pid = child.pid!;
    const startTime = processStartTime(pid);
    if (!startTime) throw new Error(`The runner (pid ${pid}) exited at once; see ${files.logFile}.`);
    this.children.set(sessionId, child);
    child.once('exit', (code, signal) => {
      if (this.children.get(sessionId) === child) this.children.delete(sessionId);
      this.emit(this.exitOf(sessionId, files, code, signal));
    });
    return { kind: 'process', pid, startTime, runDir: files.runDir };
  }

  /** The runner's process id (tests use it to kill the runner like the OOM killer would). */
  pidOf(sessionId: string): number | undefined {
    return this.children.get(sessionId)?.pid;
  }

  async inspect(sessionId: string, handle: RunnerHandle): Promise<RunnerState> {
    if (handle.kind !== 'process') return { state: 'lost', resumable: false, reason: 'not a process runner' };
    if (isSameProcessAlive(handle.pid, handle.startTime)) return { state: 'alive' };
    const files = runFiles(path.dirname(handle.runDir), sessionId);
    const exit = readExitFile(files);
    if (exit) return { state: 'exited', exitCode: exit.exitCode };
    const resumable = fs.existsSync(files.workDir) && this.hasSecrets(files) && !!readLaunchFile(files);
    return {
      state: 'lost',
      resumable,
      reason: resumable
        ? `the runner (pid ${handle.pid}) is gone without an exit status`
        : `the runner (pid ${handle.pid}) is gone and its run directory ${handle.runDir} no longer exists`,
    };
  }

  follow(sessionId: string, handle: RunnerHandle): void {
    if (handle.kind !== 'process' || this.children.has(sessionId) || this.followed.has(sessionId)) return;
    const timer = setInterval(() => {
      if (isSameProcessAlive(handle.pid, handle.startTime)) return;
      this.unfollow(sessionId);
      this.emit(this.exitOf(sessionId, runFiles(path.dirname(handle.runDir), sessionId), null, null));
    }, this.opts.pollMs ?? 500);
    timer.unref();
    this.followed.set(sessionId, timer);
  }

  async cancel(sessionId: string, graceMs = 3000): Promise<void> {
    const child = this.children.get(sessionId);
    const startTime = child?.pid ? processStartTime(child.pid) : undefined;
    if (!child?.pid || !startTime) return;
    const { runDir } = runFiles(this.opts.runsDir, sessionId);
    await this.stop(sessionId, { kind: 'process', pid: child.pid, startTime, runDir }, graceMs);
  }

  async stop(sessionId: string, handle: RunnerHandle, graceMs = 3000): Promise<void> {
    if (handle.kind !== 'process') return;
    const signalled = signalRunnerGroup(handle.pid, handle.startTime, 'SIGTERM');
    if (signalled && !(await waitUntilGone(handle.pid, handle.startTime, graceMs))) {
      signalRunnerGroup(handle.pid, handle.startTime, 'SIGKILL');
      await waitUntilGone(handle.pid, handle.startTime, 5000);
    }
    // A runner killed (or dead) could not stop its agent's processes (their own sessions, the agent uid).
    await this.killAgentOf(sessionId, handle);
  }

  private async killAgentOf(sessionId: string, handle: RunnerHandle & { kind: 'process' }): Promise<void> {
    const uid = readLaunchFile(runFiles(path.dirname(handle.runDir), sessionId))?.agentUid;
    if (uid === undefined || !this.agents) return;
    if (!(await killProcessesOf(uid)))
      this.opts.logger.error({ session: sessionId, uid }, 'processes of the agent uid survive being killed');
  }

  /**
   * The session is over: its secrets go, its agent uid is free again, its work directory is kept among the
   * last `keepFinished`.
   */
  async discard(sessionId: string, handle: RunnerHandle): Promise<void> {
    if (handle.kind !== 'process') return;
    const files = runFiles(path.dirname(handle.runDir), sessionId);
    fs.rmSync(files.secretsDir, { recursive: true, force: true });
    const agentUid = readLaunchFile(files)?.agentUid;
    if (agentUid !== undefined && this.agents) {
      // Nothing of the session may live on under a uid the next session can get.
      await this.killAgentOf(sessionId, handle);
      this.agents.pool.release(sessionId, agentUid);
    }
    this.finished.push([
      files.runDir,
      ...(path.dirname(files.workDir) === files.runDir ? [] : [files.workDir]),
    ]);
    const keep = this.opts.keepFinished ?? 20;
    while (this.finished.length > keep)
      for (const dir of this.finished.shift()!) fs.rmSync(dir, { recursive: true, force: true });
  }

  onExit(listener: (exit: RunnerExit) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Stops following. Runners keep running: they are not children in any sense that matters, they reconnect
   * to the next server, and reconciliation there follows them again.
   */
  async close(): Promise<void> {
    for (const id of [...this.followed.keys()]) this.unfollow(id);
    for (const child of this.children.values()) child.removeAllListeners('exit');
    this.children.clear();
  }

  /** Stops every runner this launcher started (tests; an embedded server that is told to stop its sessions). */
  async stopAll(graceMs = 1000): Promise<void> {
    await Promise.all([...this.children.keys()].map((id) => this.cancel(id, graceMs)));
  }

  /** The token file is there, or can be issued again (the runner removes it once read). */
  private hasSecrets(files: RunFiles): boolean {
    return fs.existsSync(files.tokenFile) || this.opts.reissueSecrets !== undefined;
  }

  private unfollow(sessionId: string): void {
    clearInterval(this.followed.get(sessionId));
    this.followed.delete(sessionId);
  }

  private exitOf(
    sessionId: string,
    files: RunFiles,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): RunnerExit {
    // The runner writes exit.json last; a runner killed (OOM, kill -9) leaves none and can be resumed.
    const recorded = readExitFile(files);
    if (code !== null) return { sessionId, exitCode: code };
    if (recorded) return { sessionId, exitCode: recorded.exitCode };
    return {
      sessionId,
      exitCode: null,
      reason: signal ? `killed by ${signal}` : 'the runner process is gone without an exit status',
      resumable: fs.existsSync(files.workDir) && this.hasSecrets(files),
    };
  }

  private emit(exit: RunnerExit): void {
    for (const listener of this.listeners) listener(exit);
  }
}

/**
 * The root of agents' work directories: a directory of root's that nobody else may write (a directory an
 * agent or another user created in /tmp beforehand is refused), searchable by all so that an agent uid
 * reaches its own work tree, not listable.
 */
function openOnlyToPassThrough(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  const stats = fs.lstatSync(dir);
  if (!stats.isDirectory() || stats.uid !== 0 || (stats.mode & 0o022) !== 0) {
    throw new Error(
      `${dir} must be a directory owned by root that only root can write (agents' work directories go there); remove it or choose another agent work root.`,
    );
  }
  fs.chmodSync(dir, 0o711);
}
