import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendPeer } from './support/backend-peer.ts';
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

/** Sends a prompt and returns its seq. */
function sendPrompt(peer: BackendPeer, text: string): number {
  peer.input('prompt', { text });
  return peer.log.at(-1)!.seq;
}

/** The prompt_state messages about one prompt, as `state` or `state: reason`. */
function statesOf(peer: BackendPeer, seq: number): string[] {
  return peer
    .messages('prompt_state')
    .filter((m) => m.payload.promptSeq === seq)
    .map((m) => (m.payload.reason ? `${m.payload.state}: ${m.payload.reason}` : m.payload.state));
}

describe('input to a running session', () => {
  it('a prompt sent while localexec runs is run as more commands, acknowledged, delivered then answered', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'inputs',
      adapter: 'localexec',
      prompt: 'sleep 1.5',
    });
    await peer.until(() => peer.messages('command_start').length === 1);
    const seq = sendPrompt(peer, 'echo follow-up > FOLLOW_UP.md\necho second line');
    expect((await runner.exited).code, runner.stderr()).toBe(0);
    expect(peer.messages('command_start').map((m) => m.payload.cmd)).toEqual([
      'sleep 1.5',
      'echo follow-up > FOLLOW_UP.md',
      'echo second line',
    ]);
    expect(peer.messages('file_change').map((m) => m.payload.path)).toContain('FOLLOW_UP.md');
    expect(peer.runnerAcked).toBeGreaterThanOrEqual(seq);
    expect(statesOf(peer, seq)).toEqual(['delivered', 'answered']);
    // Delivered once the first command has ended and before the prompt's own start; answered after its
    // last command ended.
    const at = (find: (m: (typeof peer.log)[number]) => boolean) => peer.log.findIndex(find);
    const delivered = at((m) => m.type === 'prompt_state' && m.payload.state === 'delivered');
    const answered = at((m) => m.type === 'prompt_state' && m.payload.state === 'answered');
    expect(delivered).toBeGreaterThan(at((m) => m.type === 'command_end' && m.payload.cmd === 'sleep 1.5'));
    expect(delivered).toBeLessThan(
      at((m) => m.type === 'command_start' && m.payload.cmd.startsWith('echo follow')),
    );
    expect(answered).toBeGreaterThan(
      at((m) => m.type === 'command_end' && m.payload.cmd === 'echo second line'),
    );
    await peer.stop();
  });

  it('prompts that never run are dropped with the reason: no commands, behind a failing command', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'inputs',
      adapter: 'localexec',
      prompt: 'sleep 1.5; exit 3',
    });
    await peer.until(() => peer.messages('command_start').length === 1);
    const empty = sendPrompt(peer, '# only a comment');
    const queued = sendPrompt(peer, 'echo never > NEVER.md');
    expect((await runner.exited).code, runner.stderr()).toBe(1);
    expect(statesOf(peer, empty)).toEqual([
      'dropped: The prompt holds no commands (one shell command per line); nothing was run.',
    ]);
    expect(statesOf(peer, queued)).toEqual([
      "dropped: The command `sleep 1.5; exit 3` failed before the prompt's commands ran.",
    ]);
    expect(peer.messages('prompt_state').every((m) => m.level === 'warn')).toBe(true);
    expect(peer.messages('command_start').map((m) => m.payload.cmd)).toEqual(['sleep 1.5; exit 3']);
    await peer.stop();
  });

  it('a prompt that arrives after the agent finished is dropped, saying so', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'inputs',
      adapter: 'localexec',
      prompt: 'echo done > DONE.md',
    });
    // The adapter is done once the runner is finalizing (it then pushes, which takes a while).
    await peer.until(() => peer.messages('status').some((m) => m.payload.phase === 'finalizing'));
    const late = sendPrompt(peer, 'echo late > LATE.md');
    expect((await runner.exited).code, runner.stderr()).toBe(0);
    expect(statesOf(peer, late)).toEqual([
      'dropped: The agent had finished; the prompt was not delivered. Start a new session to go on.',
    ]);
    expect(peer.messages('command_start').map((m) => m.payload.cmd)).toEqual(['echo done > DONE.md']);
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
