import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeWorld } from './support/forge-world.ts';
import { startSession } from './support/session-for.ts';

let world: ForgeWorld;

beforeAll(async () => {
  world = await ForgeWorld.start();
  await world.createUmbrellaBranch('rfe/inputs');
});
afterAll(async () => {
  await world?.close();
});

function running(marker: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
}

describe('input to a running session', () => {
  it('a prompt sent while localexec runs is run as more commands, and acknowledged', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'inputs',
      adapter: 'localexec',
      prompt: 'sleep 1.5',
    });
    await peer.until(() => peer.messages('command_start').length === 1);
    peer.input('prompt', { text: 'echo follow-up > FOLLOW_UP.md' });
    expect((await runner.exited).code, runner.stderr()).toBe(0);
    expect(peer.messages('command_start').map((m) => m.payload.cmd)).toEqual([
      'sleep 1.5',
      'echo follow-up > FOLLOW_UP.md',
    ]);
    expect(peer.messages('file_change').map((m) => m.payload.path)).toContain('FOLLOW_UP.md');
    const prompt = peer.log.find((m) => m.type === 'prompt');
    expect(peer.runnerAcked).toBeGreaterThanOrEqual(prompt?.seq ?? Number.POSITIVE_INFINITY);
    await peer.stop();
  });

  it('cancel stops the run within 5 s with exit 130, and the command’s processes are gone', async () => {
    const marker = 'sleep 31.4159';
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'inputs',
      adapter: 'localexec',
      prompt: `echo start; ${marker}; echo never`,
    });
    await peer.until(() => peer.messages('command_output').length > 0);
    const sent = Date.now();
    peer.input('cancel', { reason: 'changed my mind' });
    const { code } = await runner.exited;
    expect(code).toBe(130);
    expect(Date.now() - sent).toBeLessThan(5000);
    const [error] = peer.messages('error');
    expect(error.payload.code).toBe('cancelled');
    expect(error.payload.message).toContain('changed my mind');
    expect(peer.messages('status').at(-1)?.payload.phase).toBe('done');
    expect(peer.messages('pr_intent')).toHaveLength(0);
    expect(running(marker)).toBe(false);
    await peer.stop();
  });

  it('SIGTERM is a graceful cancel: the outcome is reported and acknowledged before the runner exits 130', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'inputs',
      adapter: 'localexec',
      prompt: 'echo start; sleep 30',
    });
    await peer.until(() => peer.messages('command_output').length > 0);
    runner.child.kill('SIGTERM');
    const { code, ms } = await runner.exited;
    expect(code).toBe(130);
    expect(ms).toBeLessThan(15_000);
    expect(peer.messages('error')[0].payload).toMatchObject({ code: 'cancelled' });
    expect(peer.messages('error')[0].payload.message).toContain('SIGTERM');
    expect(peer.messages('status').at(-1)?.payload).toEqual({ phase: 'done', progress: 100 });
    await peer.stop();
  });

  it('a session that outlives RFE_TIMEOUT_MS is stopped and fails with code timeout', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'inputs',
      adapter: 'localexec',
      prompt: 'sleep 30',
      extra: { RFE_TIMEOUT_MS: '2500' },
    });
    const { code, ms } = await runner.exited;
    expect(code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(peer.messages('error')[0].payload.code).toBe('timeout');
    expect(peer.messages('error')[0].payload.message).toContain('RFE_TIMEOUT_MS');
    await peer.stop();
  });
});
