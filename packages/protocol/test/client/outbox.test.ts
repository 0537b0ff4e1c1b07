import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Channel, ChannelError, MAX_FRAME_BYTES, MemoryOutbox } from '../../src/index.ts';
import { channelTo, eventually, FakeServer } from '../support/fake-server.ts';

let server: FakeServer;
let channel: Channel | undefined;

beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  await channel?.close();
  await server.stop();
});

describe('sending through the outbox', () => {
  it('messages unacknowledged when the server drops the connection are resent in order after reconnecting', async () => {
    const outbox = new MemoryOutbox();
    server.policy.onSend = () => 'ignore'; // received but never persisted
    channel = channelTo(server, { outbox });
    const sent = [];
    for (const text of ['one', 'two', 'three'])
      sent.push(await channel.send({ type: 'log', payload: { text } }));
    const first = await server.connection(0);
    await eventually(() => first.sends.length === 3);

    first.kill();
    // Sent while disconnected: goes out after the three older ones.
    sent.push(await channel.send({ type: 'log', payload: { text: 'four' } }));
    server.policy.onSend = () => 'ack';
    await channel.drained();

    const second = server.connections[1];
    expect(second.sends.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect(server.log.map((m) => [m.seq, m.payload])).toEqual([
      [1, { text: 'one' }],
      [2, { text: 'two' }],
      [3, { text: 'three' }],
      [4, { text: 'four' }],
    ]);
    expect(await outbox.pending()).toEqual([]);
  });

  it('a message stays in the outbox until its id is acknowledged, and duplicates are harmless', async () => {
    const outbox = new MemoryOutbox();
    let acks = 0;
    server.policy.onSend = () => (++acks === 1 ? 'ignore' : 'ack');
    channel = channelTo(server, { outbox });
    const message = await channel.send({ type: 'status', payload: { phase: 'running', progress: 10 } });
    await eventually(() => server.last?.sends.length === 1);
    expect((await outbox.pending()).map((m) => m.id)).toEqual([message.id]);

    server.last?.kill();
    await channel.drained();
    // Resent once more, then acknowledged; a further resend would be de-duplicated by id.
    expect(server.log).toHaveLength(1);
    expect(server.log[0]).toMatchObject({ id: message.id, seq: 1, origin: 'runner', sessionId: 'session-1' });
  });

  it('a message the server refuses for good is dropped from the outbox and reported', async () => {
    server.policy.onSend = (m) => (m.type === 'prompt' ? 'reject' : 'ack');
    channel = channelTo(server);
    const errors: ChannelError[] = [];
    channel.on('error', (e) => errors.push(e));
    const refused = await channel.send({ type: 'prompt', payload: { text: 'hi' } });
    await channel.send({ type: 'log', payload: { text: 'after' } });
    await channel.drained();
    expect(errors).toMatchObject([{ code: 'forbidden', id: refused.id }]);
    expect(server.log.map((m) => m.type)).toEqual(['log']);
  });

  it('an invalid or oversize message is refused locally and never stored', async () => {
    const outbox = new MemoryOutbox();
    channel = channelTo(server, { outbox });
    const invalid = channel.send({
      type: 'command_end',
      payload: { cmd: 'ls', exitCode: 0.5, durationMs: 1 },
    });
    await expect(invalid).rejects.toMatchObject({
      code: 'invalid_message',
      message: 'payload.exitCode: Expected integer',
    });
    const huge = channel.send({ type: 'log', payload: { text: 'x'.repeat(MAX_FRAME_BYTES) } });
    await expect(huge).rejects.toThrow(/artifact/);
    await expect(huge).rejects.toBeInstanceOf(ChannelError);
    expect(await outbox.pending()).toEqual([]);
  });

  it('sends the token in hello, and no token when there is no auth', async () => {
    channel = channelTo(server, { auth: async () => 'session-token' });
    expect((await server.connection(0)).frames[0]).toEqual({
      op: 'hello',
      protocol: 1,
      role: 'runner',
      batchAcks: true,
      token: 'session-token',
    });
    await channel.close();

    channel = channelTo(server, { role: 'ui' });
    expect((await server.connection(1)).frames[0]).toEqual({
      op: 'hello',
      protocol: 1,
      role: 'ui',
      batchAcks: true,
    });
  });

  it('after close nothing more is sent and no reconnect happens', async () => {
    channel = channelTo(server);
    await eventually(() => channel?.status === 'open');
    await channel.close();
    expect(channel.status).toBe('closed');
    await expect(channel.send({ type: 'log', payload: { text: 'late' } })).rejects.toMatchObject({
      code: 'channel_closed',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.connections).toHaveLength(1);
  });
});

/** A `ws` WebSocket that counts the writes its TCP socket hands to the kernel. */
function countingWebSocket() {
  const counts = { writes: 0 };
  class Counting extends WebSocket {
    setSocket(...args: unknown[]): void {
      // biome-ignore lint/suspicious/noExplicitAny: ws's internal hook, typed loosely on purpose
      (WebSocket.prototype as any).setSocket.apply(this, args);
      type Write = (...call: unknown[]) => unknown;
      const raw = (this as unknown as { _socket: { _writev: Write; _write: Write } })._socket;
      for (const method of ['_writev', '_write'] as const) {
        const original = raw[method].bind(raw);
        raw[method] = (...call: unknown[]) => {
          counts.writes++;
          return original(...call);
        };
      }
    }
  }
  return { Counting, counts };
}

describe('writes', () => {
  it('a burst of frames leaves in one write: the socket is corked until the end of the tick', async () => {
    server.policy.onSend = () => 'ignore';
    const { Counting, counts } = countingWebSocket();
    channel = channelTo(server, { WebSocketImpl: Counting as unknown as typeof WebSocket });
    const conn = await server.connection(0);
    const before = counts.writes;
    const burst = Array.from({ length: 200 }, (_, k) =>
      channel!.send({ type: 'log', payload: { text: `burst ${k}` } }),
    );
    await Promise.all(burst);
    await eventually(() => conn.sends.length === 200);
    expect(conn.sends.map((m) => (m.payload as { text: string }).text)).toEqual(
      Array.from({ length: 200 }, (_, k) => `burst ${k}`),
    );
    expect(counts.writes - before).toBeLessThanOrEqual(2); // not one per frame
  });
});
