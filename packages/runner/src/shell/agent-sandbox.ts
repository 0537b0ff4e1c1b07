import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RunError } from '../errors.ts';
import { killEveryProcessOf } from '../process/agent-processes.ts';
import { giveTreeTo, takeTreeBack } from '../process/agent-tree.ts';
import type { AgentUser } from '../process/agent-user.ts';
import { killAllGroups, spawnInGroup } from '../process/process-groups.ts';
import type { RunnerLog } from '../runner-log.ts';

/** The agent's HOME (RFE_AGENT_UID set): its own directory inside the work directory. */
export function agentHome(workDir: string): string {
  return join(workDir, 'home');
}

/** Claude Code's configuration directory (CLAUDE_CONFIG_DIR), under the adapter's state directory. */
export function claudeConfigDir(stateDir: string): string {
  return join(stateDir, 'claude-config');
}

/**
 * Where adapter code runs and how it is stopped. Every adapter process starts through `spawn`: in its
 * own process group and, with RFE_AGENT_UID, as the agent's uid/gid (no supplementary groups). With an
 * agent uid the work directory is laid out so that uid reaches only what is its own:
 *
 * ```
 * $RFE_WORK_DIR/           0711 shell   (searchable, not listable)
 *   outbox/                0700 shell
 *   run-state.json …       shell
 *   workspace/             agent while the adapter runs, shell before and after
 *   home/                  agent (HOME)
 *   adapter/               0711 shell   (the shell's state files, 0600)
 *   adapter/claude-config/ agent (CLAUDE_CONFIG_DIR)
 * ```
 *
 * `stop` ends every agent process (its process groups, then everything its uid still runs, wherever it
 * went with setsid or a double fork) and takes the work tree back, so the shell's commit and push run
 * on files no agent process can touch any more, and no agent process is alive to watch them.
 */
export class AgentSandbox {
  constructor(
    readonly user: AgentUser | undefined,
    private readonly workDir: string,
    private readonly log: RunnerLog,
  ) {}

  private get agentDirs(): string[] {
    const stateDir = join(this.workDir, 'adapter');
    return [join(this.workDir, 'workspace'), agentHome(this.workDir), claudeConfigDir(stateDir)];
  }

  /** Starts an adapter process (localexec's commands, Claude Code, git on the agent's tree). */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    return spawnInGroup(command, args, options, this.user);
  }

  /** Before any credential exists: a leftover of an earlier attempt on this work directory must not watch. */
  async clearLeftovers(): Promise<void> {
    if (this.user) await killEveryProcessOf(this.user);
  }

  /** After the clone, before any adapter code runs: the agent's directories become its own. */
  async handOver(): Promise<void> {
    const user = this.user;
    if (!user) return;
    await chmod(this.workDir, 0o711);
    await mkdir(join(this.workDir, 'outbox'), { recursive: true, mode: 0o700 });
    await chmod(join(this.workDir, 'outbox'), 0o700);
    const stateDir = join(this.workDir, 'adapter');
    await mkdir(stateDir, { recursive: true, mode: 0o711 });
    await chmod(stateDir, 0o711);
    for (const dir of this.agentDirs) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await giveTreeTo(dir, user);
    }
    for (const dir of [agentHome(this.workDir), claudeConfigDir(stateDir)]) await chmod(dir, 0o700);
    await this.checkReach(user);
  }

  /**
   * After the adapter: kills every agent process and takes its directories back. Throws (nothing is
   * pushed) when an agent process survives or the agent left a hard link to a file it does not own.
   */
  async stop(): Promise<void> {
    await this.killAll();
    const user = this.user;
    if (!user) return;
    const shell = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    for (const dir of this.agentDirs) await takeTreeBack(dir, user, shell);
  }

  /** Every adapter process group, then (agent uid) everything that uid still runs. */
  async killAll(): Promise<void> {
    killAllGroups();
    if (this.user) await killEveryProcessOf(this.user);
  }

  /** Files the shell wrote into the work tree for the agent (specify's documents) become the agent's. */
  async giveToAgent(path: string): Promise<void> {
    if (this.user) await giveTreeTo(path, this.user);
  }

  /** The agent uid can write its work tree and HOME by their absolute paths (Claude's tools use them). */
  private async checkReach(user: AgentUser): Promise<void> {
    const [workspace, home] = this.agentDirs;
    const code = await new Promise<number>((resolve) => {
      const child = spawn(
        'bash',
        ['-c', 'test -w "$1" && test -x "$1" && test -w "$2"', 'probe', workspace!, home!],
        {
          uid: user.uid,
          gid: user.gid,
          cwd: '/',
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
          stdio: 'ignore',
        },
      );
      child.once('error', () => resolve(127));
      child.once('exit', (exit) => resolve(exit ?? 1));
    });
    if (code === 0) return;
    this.log.error(`the agent uid ${user.uid} cannot write ${workspace} (exit ${code})`);
    throw new RunError(
      'workspace_invalid',
      `The agent's uid ${user.uid} cannot reach its work tree: every directory above the runner's work directory must be searchable by it (o+x). The launcher creates those directories; check their modes.`,
    );
  }
}
