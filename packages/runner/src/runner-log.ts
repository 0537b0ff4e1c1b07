import type { Redactor } from './redactor.ts';

/** The runner's own diagnostics on stderr (the launcher keeps them); secrets redacted. */
export interface RunnerLog {
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
}

export function createRunnerLog(
  redactor: Redactor,
  write: (line: string) => void = (line) => process.stderr.write(line),
): RunnerLog {
  const line = (level: string) => (text: string) =>
    write(`${new Date().toISOString()} runner ${level} ${redactor.text(text)}\n`);
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
