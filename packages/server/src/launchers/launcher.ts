/**
 * Starting and stopping runners. Two implementations chosen by configuration (RUNNER_LAUNCHER):
 * `process` (a child process with its own work directory; the embedded default) and `kubernetes`
 * (a Job with a per-session Secret and PVC).
 */
export interface LaunchSpec {
  sessionId: string;
  projectName: string;
  workspaceSlug: string;
  /** Non-secret runner settings (RFE_* variables, see packages/runner/README.md). */
  env: Record<string, string>;
  /** Secret material: delivered as files readable only by the runner (0600 file or a Kubernetes Secret). */
  secrets: {
    runnerToken: string;
    /** JSON document of git credentials per repository; never in env, argv or logs. */
    gitCredentials: string;
  };
  /** Hard deadline for the whole run. */
  timeoutMs: number;
}

export interface RunnerExit {
  sessionId: string;
  /** Process exit code or the runner container's exit code; null when killed by a signal or deleted. */
  exitCode: number | null;
  reason?: string;
  /** Killed without an exit status while its work directory survives: it can be started again there. */
  resumable?: boolean;
}

/** The runner's exit status when it had to give up with messages it could not deliver (EX_TEMPFAIL). */
export const EXIT_UNDELIVERED = 75;

/**
 * How any server instance finds a session's runner again; recorded in the session row (launcher_handle).
 * A process is named by its id *and* its start time (field 22 of /proc/<pid>/stat), so a recycled pid is
 * never mistaken for the runner.
 */
export type RunnerHandle =
  | { kind: 'process'; pid: number; startTime: string; runDir: string }
  | { kind: 'kubernetes'; namespace: string; job: string };

/** What became of a runner, as far as its launcher can tell from the handle alone. */
export type RunnerState =
  | { state: 'alive' }
  | { state: 'exited'; exitCode: number | null; reason?: string }
  /** Gone without an exit status; `resumable` when its work directory survives (its outbox resends). */
  | { state: 'lost'; resumable: boolean; reason: string };

export interface RunnerLauncher {
  readonly kind: 'process' | 'kubernetes';
  launch(spec: LaunchSpec): Promise<RunnerHandle>;
  /** Stops the runner (process group kill / Job deletion). Resolves when it is gone or after the grace period. */
  cancel(sessionId: string, graceMs?: number): Promise<void>;
  /** Stops a runner by its recorded handle, whichever instance launched it. */
  stop(sessionId: string, handle: RunnerHandle, graceMs?: number): Promise<void>;
  /** Looks the runner up by its handle (any instance). */
  inspect(sessionId: string, handle: RunnerHandle): Promise<RunnerState>;
  /** Follows a runner another instance (or an earlier incarnation) launched: its exit is reported by onExit. */
  follow(sessionId: string, handle: RunnerHandle): void;
  /** Starts a dead runner again on its work directory; undefined when that is not possible. */
  resume(sessionId: string, handle: RunnerHandle): Promise<RunnerHandle | undefined>;
  /** The session is over for good: secrets and run files go (a Kubernetes Job owns its own). */
  discard(sessionId: string, handle: RunnerHandle): Promise<void>;
  onExit(listener: (exit: RunnerExit) => void): void;
  close(): Promise<void>;
}
