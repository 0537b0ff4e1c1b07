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
}

export interface RunnerLauncher {
  readonly kind: 'process' | 'kubernetes';
  launch(spec: LaunchSpec): Promise<void>;
  /** Stops the runner (process group kill / Job deletion). Resolves when it is gone or after the grace period. */
  cancel(sessionId: string, graceMs?: number): Promise<void>;
  onExit(listener: (exit: RunnerExit) => void): void;
  close(): Promise<void>;
}
