import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.ts';

/** RUNNER_AGENT_UID_RANGE, parsed: the uids (each also the gid) sessions' agents may get. */
export interface UidRange {
  first: number;
  last: number;
}

/** "first-last" (both inclusive, 1000 … 2^31-1), or "off"; throws a ConfigError naming `env`. */
export function parseUidRange(raw: string, env = 'RUNNER_AGENT_UID_RANGE'): UidRange | undefined {
  const text = raw.trim().toLowerCase();
  if (text === 'off' || text === '') return undefined;
  const match = /^(\d+)\s*-\s*(\d+)$/.exec(text);
  const [first, last] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!match || first < 1000 || last > 2_147_483_647 || first > last) {
    throw new ConfigError(
      env,
      `"${raw}" is not accepted; expected "first-last" (uids from 1000 to 2147483647, first ≤ last, e.g. 200000-265535) or "off".`,
    );
  }
  return { first, last };
}

/**
 * One agent uid per session for the process launcher, claimed as a file `{claimsDir}/{uid}` holding the
 * session id (created exclusively, so two server instances on one machine never hand out the same uid).
 * The first uid tried is derived from the session id; taken ones (claimed, or with a live process of that
 * uid) are skipped. The claim goes when the session is discarded.
 */
export class AgentUidPool {
  constructor(
    private readonly claimsDir: string,
    private readonly range: UidRange,
  ) {
    fs.mkdirSync(claimsDir, { recursive: true, mode: 0o700 });
  }

  claim(sessionId: string): number {
    const size = this.range.last - this.range.first + 1;
    const start = createHash('sha256').update(sessionId).digest().readUInt32BE(0) % size;
    for (let i = 0; i < size; i++) {
      const uid = this.range.first + ((start + i) % size);
      const file = path.join(this.claimsDir, String(uid));
      try {
        fs.writeFileSync(file, sessionId, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (fs.readFileSync(file, 'utf8') === sessionId) return uid;
        continue;
      }
      if (!hasProcesses(uid)) return uid;
      fs.rmSync(file, { force: true }); // something else runs as that uid: not ours to use
    }
    throw new Error(
      `Every agent uid in RUNNER_AGENT_UID_RANGE (${this.range.first}-${this.range.last}) is taken; widen the range or wait for sessions to end.`,
    );
  }

  release(sessionId: string, uid: number): void {
    const file = path.join(this.claimsDir, String(uid));
    try {
      if (fs.readFileSync(file, 'utf8') === sessionId) fs.rmSync(file, { force: true });
    } catch {
      // not claimed (any more)
    }
  }
}

/**
 * Kills every process of an agent uid: `kill -KILL -1` run as that uid (which reaches that uid's processes
 * and no one else's), until /proc shows none or `timeoutMs` passed. For a runner stopped with SIGKILL,
 * whose agent processes (in sessions of their own) would otherwise live on. True when none is left.
 */
export async function killProcessesOf(uid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (hasProcesses(uid)) {
    if (Date.now() > deadline) return false;
    await new Promise<void>((resolve) => {
      const child = spawn('bash', ['-c', 'kill -KILL -1 2>/dev/null; exit 0'], {
        uid,
        gid: uid,
        cwd: '/',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        stdio: 'ignore',
      });
      child.once('error', () => resolve());
      child.once('exit', () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** A live (non-zombie) process runs with `uid` as any of its uids (/proc/<pid>/status). */
function hasProcesses(uid: number): boolean {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue;
    }
    if (/^State:\s*[ZX]/m.test(status)) continue;
    const uids = /^Uid:\s*(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
    if (uids.includes(uid)) return true;
  }
  return false;
}
