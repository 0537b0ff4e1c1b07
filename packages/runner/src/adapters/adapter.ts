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
  /** Directory the adapter may keep state in, outside the work tree. */
  stateDir: string;
}

export interface AdapterOutcome {
  /** One paragraph for the `result` message, the commit and the PR bodies. */
  summary: string;
}

/**
 * An agent behind the runner shell (SPEC §8). The shell calls `init`, then `run`; `input` delivers each
 * follow-up prompt, `cancel` asks the work to stop as soon as possible (`run` then settles), and
 * `shutdown` releases whatever is left, on every path out.
 */
export interface Adapter {
  readonly name: string;
  init(context: AdapterContext): Promise<void>;
  run(): Promise<AdapterOutcome>;
  input(text: string): void;
  cancel(reason: string): Promise<void>;
  shutdown(): Promise<void>;
}
