import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { RunError } from '../errors.ts';
import type { AgentUser } from './agent-user.ts';

/**
 * Live processes that run as `uid`: any of their real, effective, saved or filesystem uids (the `Uid:`
 * line of /proc/<pid>/status). Zombies are left out: they hold no memory, environment or open files.
 */
export function processesOf(uid: number): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const state = /^State:\s*(\S)/m.exec(status)?.[1];
    if (state === 'Z' || state === 'X') continue;
    const uids = /^Uid:\s*(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
    if (uids.includes(uid)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Kills every process of the agent's uid, whatever process group or session it escaped to (`setsid`,
 * a double fork, `nohup … &`): `kill -KILL -1` run *as that uid* signals exactly the processes that uid
 * may signal — its own — and never another user's. Repeated until /proc shows none left (a process
 * forking meanwhile is caught by the next round); still some after `timeoutMs` is a failure, so no
 * credential is fetched while agent code could watch.
 */
export async function killEveryProcessOf(user: AgentUser, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; ; round++) {
    const left = processesOf(user.uid);
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      throw new RunError(
        'internal',
        `Processes of the agent (uid ${user.uid}) are still running after being killed (pids ${left.join(', ')}); nothing more is done while they run.`,
      );
    }
    await killAllAs(user);
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One `kill -KILL -1` as the agent's uid (bash's builtin: the caller itself is spared, then exits). */
function killAllAs(user: AgentUser): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', 'kill -KILL -1 2>/dev/null; exit 0'], {
      uid: user.uid,
      gid: user.gid,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: 'ignore',
    });
    child.once('error', () => resolve());
    child.once('exit', () => resolve());
  });
}
