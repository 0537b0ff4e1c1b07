import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Channel } from '../../src/index.ts';
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
