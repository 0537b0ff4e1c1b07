import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seeded } from '@rfe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CrashWorld,
  type Message,
  startCrashWorld,
} from '../../../test/support/sessions/crash-world.ts';
import { processStartTime } from '../../launchers/process/runner-process.ts';

const LINES = 20_000;
const KILLS = 3;
const random = seeded('sessions/server-killed').random;

/** The command's output as the log holds it, in seq order. */
function output(log: Message[]): string {
  return log
    .filter((m) => m.type === 'command_output')
    .map((m) => String(m.payload.chunk))
    .join('');
}

const lineCount = (log: Message[]) => (output(log).match(/\n/g) ?? []).length;

describe('sessions survive their server (process launcher, server SIGKILLed)', () => {
  let world: CrashWorld;

  beforeAll(async () => {
    world = await startCrashWorld();
    await world.start();
  }, 120_000);
  afterAll(() => world?.close());

  it(`${LINES} numbered lines while the server is killed ${KILLS} times: the runner survives, the log holds 1..N once in order, succeeded, one PR`, async () => {
    // Four phases of 5,000 lines; the runner waits at a gate after each of the first three, which the test
    // opens once it has killed and restarted the server — so each kill lands mid-stream however slow the
    // machine is, and the session cannot end before the last restart.
    const gates = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-gates-'));
    fs.chmodSync(gates, 0o755); // a root server runs the commands under an agent uid, which must see the gates
    const phase = LINES / (KILLS + 1);
    const script = Array.from({ length: KILLS + 1 }, (_, k) => {
      const print = `for i in $(seq ${k * phase + 1} ${(k + 1) * phase}); do echo "line $i"; [ $((i % 250)) -eq 0 ] && sleep 0.05; done`;
      return k < KILLS ? `${print}; while [ ! -f ${gates}/${k + 1} ]; do sleep 0.05; done` : `${print}; true`;
    }).join('; ');
    const id = await world.startSession(`${script}\necho crash >> README.md`);
    const pid = await world.runnerPid(id);
    expect(pid).toBeGreaterThan(0);
    for (let k = 1; k <= KILLS; k++) {
      // Mid-phase k (at a seeded point), kill -9 the server; restart it; open gate k.
      const at = Math.floor((k - 1) * phase + phase * (0.1 + 0.4 * random()));
      await world.until(
        `${at} lines in the log`,
        async () => lineCount(await world.messages(id)) >= at,
        90_000,
      );
      await world.kill();
      expect(() => process.kill(pid!, 0), 'the runner survives its server').not.toThrow();
      await world.start();
      fs.writeFileSync(path.join(gates, String(k)), '');
    }
    const s = await world.finished(id, 120_000);
    expect(s.status, `${s.error} / ${s.remediation}`).toBe('succeeded');
    // Exited (a zombie at most: its parent, the first server, is gone) — the same runner finished the session.
    expect(processStartTime(pid!), 'the runner has exited').toBeUndefined();

    const log = await world.messages(id);
    expect(log.map((m) => m.seq)).toEqual(log.map((_, i) => i + 1));
    expect(new Set(log.map((m) => m.id)).size).toBe(log.length);
    expect(output(log)).toBe(Array.from({ length: LINES }, (_, i) => `line ${i + 1}\n`).join(''));
    expect(log.filter((m) => m.type === 'result')).toHaveLength(1);
    expect(log.filter((m) => m.type === 'init')).toHaveLength(1); // never restarted: it outlived the server
    expect(s.pullRequests.map((p) => p.repo)).toEqual(['acme/umbrella']);
    expect(log.filter((m) => m.type === 'pr_event')).toHaveLength(1);
    const pulls = (await world.forgePulls()).filter((p) => p.head.ref.includes(id.slice(-8).toLowerCase()));
    expect(pulls, 'exactly one PR at the forge').toHaveLength(1);
  }, 240_000);

  it('a runner killed while the server is down is resumed on its surviving work directory and the session completes', async () => {
    const id = await world.startSession('echo first\nsleep 1\necho resumed >> README.md');
    await world.until(
      'the runner to start',
      async () => (await world.messages(id)).some((m) => m.type === 'command_start'),
      60_000,
    );
    const pid = (await world.runnerPid(id))!;
    await world.kill();
    process.kill(-pid, 'SIGKILL'); // the whole group, like an OOM kill of the node
    await world.start(); // reconciliation at start-up: dead, no exit status, work directory intact
    const s = await world.finished(id, 90_000);
    expect(s.status, `${s.error} / ${s.remediation}`).toBe('succeeded');
    expect(await world.runnerPid(id)).not.toBe(pid);
    const log = await world.messages(id);
    expect(log.map((m) => m.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter((m) => m.type === 'init').length).toBe(2);
    expect(s.pullRequests.map((p) => p.repo)).toEqual(['acme/umbrella']);
  }, 180_000);

  it('a runner killed while the server is down, its work directory gone, ends failed with a remediation within one reconciliation period', async () => {
    const id = await world.startSession('echo first\nsleep 60');
    await world.until(
      'the runner to start',
      async () => (await world.messages(id)).some((m) => m.type === 'command_start'),
      60_000,
    );
    const pid = (await world.runnerPid(id))!;
    await world.kill();
    process.kill(-pid, 'SIGKILL');
    fs.rmSync(path.join(world.dataDir, 'runs', id), { recursive: true, force: true });
    await world.start();
    const up = Date.now();
    const s = await world.finished(id, 30_000);
    // One reconciliation period (SESSION_RECONCILE_SECONDS=2 here) after the server is up again, plus the
    // API polling and a loaded machine's slack; the server's own start-up is not counted.
    expect(Date.now() - up).toBeLessThan(2000 + 10_000);
    expect(s.status).toBe('failed');
    expect(s.error).toMatch(/runner is gone.*no longer exists/);
    expect(s.remediation).toMatch(/start the session again/);
  }, 120_000);
});
