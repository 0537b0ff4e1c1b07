import { SettingsError } from './errors.ts';
import { killAllGroups } from './process/process-groups.ts';
import { loadSettings } from './settings.ts';
import { RunControl } from './shell/run-control.ts';
import { EXIT, runSession } from './shell/run-session.ts';

// Entry point: `node --import tsx packages/runner/src/main.ts`. Exit 0 succeeded, 1 failed, 130 cancelled.

async function main(): Promise<number> {
  let settings: ReturnType<typeof loadSettings>;
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

main().then(
  (code) => {
    process.exitCode = code;
    // Open handles (a reconnect timer, a stuck socket) must not keep a finished runner alive.
    setTimeout(() => process.exit(code), 100).unref();
  },
  (error) => {
    process.stderr.write(`runner: ${(error as Error)?.stack ?? error}\n`);
    killAllGroups();
    process.exit(EXIT.failed);
  },
);
