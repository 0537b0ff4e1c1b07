import { SettingsError } from './errors.ts';
import { killAllGroups } from './process/process-groups.ts';
import { loadSettings, type RunnerSettings } from './settings.ts';
import { RunControl } from './shell/run-control.ts';
import { EXIT, runSession } from './shell/run-session.ts';
import { writeExitFile } from './shell/run-state.ts';

// Entry point, built by scripts/build.mjs: `node packages/runner/dist/main.js` (`node --import tsx src/main.ts` in development).
// Exit 0 succeeded, 1 failed, 75 finished but messages undelivered, 130 cancelled.

// The runner's output may be a pipe whose reader is gone (a server killed with kill -9): a failed log
// write must never end the run.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

let settings: RunnerSettings | undefined;

async function main(): Promise<number> {
  try {
    settings = loadSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    // No channel without valid settings: the launcher reads stderr and the exit status.
    process.stderr.write(`runner: invalid settings: ${error.message}\n`);
    return EXIT.failed;
  }
  const control = new RunControl();
  const terminate = (signal: NodeJS.Signals) =>
    control.stop({ code: 'cancelled', message: `The runner was stopped (${signal}).` });
  process.once('SIGTERM', terminate);
  process.once('SIGINT', terminate);
  return runSession(settings, { control });
}

/** exit.json first (a launcher that is not this process's parent reads it), then the exit status. */
async function recordExit(code: number): Promise<void> {
  if (settings) await writeExitFile(settings.workDir, code).catch(() => {});
  process.exitCode = code;
}

main().then(
  async (code) => {
    await recordExit(code);
    // Open handles (a reconnect timer, a stuck socket) must not keep a finished runner alive.
    setTimeout(() => process.exit(code), 100).unref();
  },
  async (error) => {
    process.stderr.write(`runner: ${(error as Error)?.stack ?? error}\n`);
    killAllGroups();
    await recordExit(EXIT.failed);
    process.exit(EXIT.failed);
  },
);
