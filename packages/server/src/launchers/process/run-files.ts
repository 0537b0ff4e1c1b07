import fs from 'node:fs';
import path from 'node:path';

/** The files of one session's run directory `{runsDir}/{sessionId}/`. */
export interface RunFiles {
  runDir: string;
  /** The runner's work directory (clone, durable outbox, run-state.json, exit.json). */
  workDir: string;
  secretsDir: string;
  tokenFile: string;
  credentialsFile: string;
  /** The runner's stdout and stderr, appended. */
  logFile: string;
  /** What is needed to start the runner again: its non-secret environment and timeout. */
  launchFile: string;
  /** Written by the runner as it exits: `{ "exitCode": n }`. */
  exitFile: string;
}

export interface LaunchFile {
  env: Record<string, string>;
  timeoutMs: number;
  /** Where the work directory is when it is not `{runDir}/work` (an agent uid's, outside the data directory). */
  workDir?: string;
  /** The session's agent uid (RUNNER_AGENT_UID_RANGE), released when it is discarded. */
  agentUid?: number;
}

/** The files of a session's run; `workDir` as recorded in its launch file when it is elsewhere. */
export function runFiles(runsDir: string, sessionId: string, workDir?: string): RunFiles {
  const runDir = path.join(runsDir, sessionId);
  if (workDir === undefined) {
    const recorded = readLaunchFile({ launchFile: path.join(runDir, 'launch.json') })?.workDir;
    workDir = recorded ?? path.join(runDir, 'work');
  }
  const secretsDir = path.join(runDir, 'secrets');
  return {
    runDir,
    workDir,
    secretsDir,
    tokenFile: path.join(secretsDir, 'runner-token'),
    credentialsFile: path.join(secretsDir, 'git-credentials.json'),
    logFile: path.join(runDir, 'runner.log'),
    launchFile: path.join(runDir, 'launch.json'),
    exitFile: path.join(workDir, 'exit.json'),
  };
}

export function writeLaunchFile(files: RunFiles, launch: LaunchFile): void {
  fs.writeFileSync(files.launchFile, JSON.stringify(launch), { mode: 0o600 });
}

export function readLaunchFile(files: Pick<RunFiles, 'launchFile'>): LaunchFile | undefined {
  return readJson(files.launchFile) as LaunchFile | undefined;
}

export function readExitFile(files: RunFiles): { exitCode: number } | undefined {
  const exit = readJson(files.exitFile) as { exitCode?: unknown } | undefined;
  return typeof exit?.exitCode === 'number' ? { exitCode: exit.exitCode } : undefined;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
