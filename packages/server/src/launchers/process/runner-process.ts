import fs from 'node:fs';

/**
 * A runner process found again by its recorded handle: its id and its start time (field 22 of
 * /proc/<pid>/stat, in clock ticks since boot), so a pid the kernel gave to another process later is
 * never taken for the runner (nor signalled).
 */

/** The start time of process `pid`, or undefined when there is none (or it is a zombie). */
export function processStartTime(pid: number): string | undefined {
  const stat = readStat(pid);
  if (!stat) return undefined;
  // After the command name (which may contain spaces and parentheses) come fields 3 (state) … 22 (starttime).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  // A zombie (its parent, the server that started it, died and nobody reaped it) or dead process is gone.
  if (state === 'Z' || state === 'X' || state === 'x') return undefined;
  return fields[19];
}

/** True while the process recorded as (pid, startTime) still runs. */
export function isSameProcessAlive(pid: number, startTime: string): boolean {
  return processStartTime(pid) === startTime;
}

/** Signals the process group led by `pid` once more only if it is still the recorded process. */
export function signalRunnerGroup(pid: number, startTime: string, signal: NodeJS.Signals): boolean {
  if (!isSameProcessAlive(pid, startTime)) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/** Resolves true once the process is gone, false after `timeoutMs`. */
export async function waitUntilGone(pid: number, startTime: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isSameProcessAlive(pid, startTime)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function readStat(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}
