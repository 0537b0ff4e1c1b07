import fs from 'node:fs';
import os from 'node:os';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarize(latencies: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(latencies).sort() as unknown as number[];
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (nproc), ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
}

export function loadAverage(): string {
  return os.loadavg()[0].toFixed(1);
}

/** Wall-clock milliseconds comparable between processes on one machine, sub-millisecond. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** CPU seconds (user + system) a process has used so far, from /proc; 0 for no process. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

// USER_HZ: 100 on Linux for every architecture this runs on (`getconf CLK_TCK`).
const CLOCK_TICKS = 100;
