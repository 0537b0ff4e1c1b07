import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import type { AgentUser } from './agent-user.ts';

// Children run in their own process group so cancel can stop everything they started (a shell's
// pipelines, git's helpers), not just the direct child. They are tracked so that an exiting runner
// takes them along. Adapter processes may run as the agent's own uid (`as`).
const live = new Set<ChildProcess>();

export function spawnInGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
  as?: AgentUser,
): ChildProcess {
  // As another user: Node (libuv) sets the gid, drops every supplementary group, then sets the uid.
  const identity = as ? { uid: as.uid, gid: as.gid } : {};
  const child = spawn(command, args, { ...options, ...identity, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** Signals the child's whole process group; harmless when it has already gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export function killAllGroups(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of live) killGroup(child, signal);
}

/** Exit code as a shell reports it: the code, or 128 + signal number when killed by a signal. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (signal ? (numbers[signal] ?? 0) : 0);
}
