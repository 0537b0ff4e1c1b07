import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { exitCodeOf, killGroup } from '../../process/process-groups.ts';
import type { Reporter } from '../../shell/reporter.ts';
import { OutputChunker } from './output-chunker.ts';

export interface CommandResult {
  exitCode: number;
  durationMs: number;
}

export interface RunningCommand {
  child: ChildProcess;
  done: Promise<CommandResult>;
}

/**
 * Runs one shell command in `cwd` and streams it: `command_start`, its output as `command_output`
 * chunks in the order produced, then `command_end` with the exit code (128 + signal when killed).
 */
export function runCommand(
  cmd: string,
  options: {
    cwd: string;
    displayCwd: string;
    env: NodeJS.ProcessEnv;
    report: Reporter;
    /** The adapter context's `spawn` (own process group, the agent's uid). */
    spawn: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
  },
): RunningCommand {
  const { report } = options;
  report.send('command_start', { cmd, cwd: options.displayCwd });
  const started = performance.now();
  const child = options.spawn('bash', ['-c', cmd], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunker = new OutputChunker((stream, chunk) => report.send('command_output', { stream, chunk }));
  child.stdout?.on('data', (data: Buffer) => chunker.push('stdout', data));
  child.stderr?.on('data', (data: Buffer) => chunker.push('stderr', data));
  const done = new Promise<CommandResult>((resolve) => {
    let spawnError: Error | undefined;
    child.once('error', (error) => {
      spawnError = error;
    });
    // A background process can hold the pipes open after the command itself exited: stop it.
    let lingering: ReturnType<typeof setTimeout> | undefined;
    child.once('exit', () => {
      lingering = setTimeout(() => killGroup(child, 'SIGKILL'), 2000);
    });
    // `close` waits for the output pipes, so no output arrives after command_end.
    child.once('close', (code, signal) => {
      clearTimeout(lingering);
      if (spawnError) chunker.push('stderr', Buffer.from(`${spawnError.message}\n`));
      chunker.end();
      const exitCode = spawnError ? 127 : exitCodeOf(code, signal);
      const durationMs = Math.round(performance.now() - started);
      report.send('command_end', { cmd, exitCode, durationMs });
      resolve({ exitCode, durationMs });
    });
  });
  return { child, done };
}

export function stopCommand(command: RunningCommand | undefined): void {
  if (command) killGroup(command.child, 'SIGKILL');
}
