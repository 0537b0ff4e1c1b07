import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentUidPool, parseUidRange } from './agent-uids.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-agent-uids-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('RUNNER_AGENT_UID_RANGE', () => {
  it('parses first-last or off, and names the setting and the expected form otherwise', () => {
    expect(parseUidRange('200000-265535')).toEqual({ first: 200_000, last: 265_535 });
    expect(parseUidRange(' 5000 - 5000 ')).toEqual({ first: 5000, last: 5000 });
    expect(parseUidRange('off')).toBeUndefined();
    for (const bad of ['200000', '10-20', '300-200', '5000-99999999999', 'a-b'])
      expect(() => parseUidRange(bad), bad).toThrow(/RUNNER_AGENT_UID_RANGE.*expected "first-last"/);
  });
});

describe('the agent uid pool', () => {
  it('gives each session its own uid, the same one again to the same session, and frees it on release', () => {
    const pool = new AgentUidPool(path.join(dir, 'claims'), { first: 300_000, last: 300_002 });
    const uids = ['s1', 's2', 's3'].map((id) => pool.claim(id));
    expect(new Set(uids).size).toBe(3);
    expect(uids.every((u) => u >= 300_000 && u <= 300_002)).toBe(true);
    expect(pool.claim('s2')).toBe(uids[1]);
    // A second server instance sharing the claims directory sees the same claims.
    const other = new AgentUidPool(path.join(dir, 'claims'), { first: 300_000, last: 300_002 });
    expect(() => other.claim('s4')).toThrow(
      'Every agent uid in RUNNER_AGENT_UID_RANGE (300000-300002) is taken',
    );
    other.release('s4', uids[0]!); // not its claim: nothing happens
    expect(() => other.claim('s4')).toThrow(/taken/);
    pool.release('s1', uids[0]!);
    expect(other.claim('s4')).toBe(uids[0]);
    expect(fs.statSync(path.join(dir, 'claims')).mode & 0o777).toBe(0o700);
  });

  // Needs root to start a process as another uid; CI runs as root (there a non-root run fails, never skips).
  it.runIf(process.getuid?.() === 0 || !!process.env.CI)(
    'skips a uid something already runs as',
    async () => {
      const busy = 300_100;
      const sleeper = spawn('sleep', ['30'], { uid: busy, gid: busy, stdio: 'ignore' });
      try {
        await new Promise((resolve) => sleeper.once('spawn', resolve));
        const pool = new AgentUidPool(path.join(dir, 'claims'), { first: busy, last: busy + 1 });
        expect(pool.claim('a')).toBe(busy + 1);
        expect(() => pool.claim('b')).toThrow(/taken/);
        expect(fs.existsSync(path.join(dir, 'claims', String(busy)))).toBe(false);
      } finally {
        sleeper.kill('SIGKILL');
      }
    },
  );
});
