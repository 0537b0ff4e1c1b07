import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/shell/run-session.ts';
import { ForgeWorld } from './support/forge-world.ts';
import { startRunner } from './support/runner-process.ts';
import { startSession } from './support/session-for.ts';

let world: ForgeWorld;

beforeAll(async () => {
  world = await ForgeWorld.start();
  await world.createUmbrellaBranch('rfe/restart');
});
afterAll(async () => {
  await world?.close();
});

describe('the durable outbox', () => {
  it('a runner killed mid-stream and restarted resends every unacknowledged message first, and none is lost', async () => {
    const { peer, runner, env } = await startSession(world, {
      login: 'alice',
      slug: 'restart',
      adapter: 'localexec',
      prompt: 'for i in $(seq 1 150); do echo "line $i"; sleep 0.02; done',
    });
    peer.ack = () => false; // the backend receives but never confirms: everything stays pending
    await peer.until(
      () => (peer.connections[0]?.sends.filter((m) => m.type === 'command_output').length ?? 0) >= 15,
    );
    runner.child.kill('SIGKILL');
    await runner.exited;
    const before = peer.connections[0].sends.map((m) => m.id);
    expect(peer.log).toHaveLength(0);

    peer.ack = () => true;
    const restarted = startRunner(env);
    expect((await restarted.exited).code, restarted.stderr()).toBe(0);

    const resent = peer.connections.at(-1)!.sends.map((m) => m.id);
    expect(resent.slice(0, before.length)).toEqual(before); // pending first, in the original order
    const logged = peer.log.map((m) => m.id);
    for (const id of before) expect(logged.filter((x) => x === id)).toHaveLength(1);
    expect(new Set(logged).size).toBe(logged.length);
    const texts = peer.messages('log').map((m) => m.payload.text);
    expect(texts.some((t) => t.includes('The runner restarted (attempt 2)'))).toBe(true);
    expect(peer.messages('result')).toHaveLength(1);
    await peer.stop();
  });

  it('a runner that cannot deliver by the deadline exits 75 (never 0); started again it only delivers what its outbox holds', async () => {
    const { peer, runner, env } = await startSession(world, {
      login: 'alice',
      slug: 'restart',
      adapter: 'localexec',
      prompt: 'echo once',
      extra: { RFE_DRAIN_TIMEOUT_MS: '300', RFE_DEADLINE_AT: new Date(Date.now() + 4000).toISOString() },
    });
    let acks = 0;
    peer.ack = () => ++acks <= 3; // the connection degrades: the rest stays in the outbox
    expect((await runner.exited).code, runner.stderr()).toBe(EXIT.undelivered);
    expect(runner.stderr()).toMatch(/not acknowledged by .*exit 75/);
    expect(peer.log).toHaveLength(3);

    peer.ack = () => true;
    const again = startRunner({ ...env, RFE_DRAIN_TIMEOUT_MS: '5000' });
    expect((await again.exited).code, again.stderr()).toBe(0);
    expect(peer.messages('command_start')).toHaveLength(1); // not run twice
    expect(peer.messages('result')).toHaveLength(1);
    expect(peer.messages('status').at(-1)?.payload.phase).toBe('done');
    await peer.stop();
  });

  it('a connection dropped mid-run is re-established and the log has every message once, in order', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'restart',
      adapter: 'localexec',
      prompt: 'for i in $(seq 1 100); do echo "line $i"; sleep 0.01; done',
    });
    await peer.until(() => peer.messages('command_output').length >= 10);
    peer.connections.at(-1)?.socket.terminate(); // no closing handshake, like a network cut
    expect((await runner.exited).code, runner.stderr()).toBe(0);
    expect(peer.connections.length).toBeGreaterThan(1);
    const output = peer
      .messages('command_output')
      .map((m) => m.payload.chunk)
      .join('');
    expect(output).toBe(Array.from({ length: 100 }, (_, i) => `line ${i + 1}\n`).join(''));
    const ids = peer.log.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    await peer.stop();
  });
});
