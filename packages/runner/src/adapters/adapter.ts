import type { ChildProcess, SpawnOptions } from 'node:child_process';
import type { Workspace } from '../git/clone-workspace.ts';
import type { FileChange } from '../git/file-changes.ts';
import type { RunnerLog } from '../runner-log.ts';
import type { RunnerSettings } from '../settings.ts';
import type { Reporter } from '../shell/reporter.ts';

/** What an adapter gets to work with. The shell owns transport, Git, cancel and timeouts. */
export interface AdapterContext {
  settings: RunnerSettings;
  workspace: Workspace;
  /** The session's prompt (the description, for specify). */
  prompt: string;
  report: Reporter;
  log: RunnerLog;
  /** Sends a `file_change` (with its diff) for every file changed since the last call; returns them. */
  reportFileChanges(): Promise<FileChange[]>;
  /** Environment for processes the adapter starts: the runner's own settings and secrets removed. */
  childEnv: NodeJS.ProcessEnv;
  /** Directory the adapter may keep state in, outside the work tree (written by the shell process). */
  stateDir: string;
  /** Claude Code's configuration directory, the agent's own (CLAUDE_CONFIG_DIR). */
  claudeConfigDir: string;
  /**
   * Starts a process of agent code: in its own process group (stopped with the adapter) and, with
   * RFE_AGENT_UID, as the agent's uid/gid. Every process an adapter starts goes through here.
   */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
  /** Makes what the adapter's own code wrote under `path` in the work tree the agent's (no-op without an agent uid). */
  giveToAgent(path: string): Promise<void>;
}

/**
 * A follow-up prompt from the session's owner. The adapter says what became of it, and the session log
 * shows the user (`prompt_state`): until `delivered` it is queued.
 */
export interface Prompt {
  readonly text: string;
  /** The agent took it in (handed to its input; for localexec, its first command started). */
  delivered(): void;
  /** The agent's answer to it finished. Marks it delivered first if it was not. */
  answered(): void;
  /** It will never reach the agent; `reason` says why, in a sentence for the user. No effect once delivered. */
  dropped(reason: string): void;
}

export interface AdapterOutcome {
  /** One paragraph for the `result` message, the commit and the PR bodies. */
  summary: string;
}

/**
 * An agent behind the runner shell (SPEC §8). The shell calls `init`, then `run`; `input` delivers each
 * follow-up prompt (the adapter reports its delivery and answer, or drops it), `cancel` asks the work to stop as soon as possible (`run` then settles), and
 * `shutdown` releases whatever is left, on every path out.
 */
export interface Adapter {
  readonly name: string;
  init(context: AdapterContext): Promise<void>;
  run(): Promise<AdapterOutcome>;
  input(prompt: Prompt): void;
  cancel(reason: string): Promise<void>;
  shutdown(): Promise<void>;
}
