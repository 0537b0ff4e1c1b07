import { createServer } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backoffCap,
  backoffDelay,
  type Channel,
  type ChannelError,
  type StatusDetail,
} from '../../src/index.ts';
import { channelTo, eventually, FakeServer } from '../support/fake-server.ts';

let server: FakeServer | undefined;
let channel: Channel | undefined;

afterEach(async () => {
  await channel?.close();
  await server?.stop();
  channel = server = undefined;
});

/** A port nothing listens on: connecting fails at once. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('backoff', () => {
  it('grows by the factor up to the cap, and jitter only ever shortens the delay by its fraction', () => {
    fc.assert(
      fc.property(
        fc.record({
          initialMs: fc.integer({ min: 1, max: 1000 }),
          maxMs: fc.integer({ min: 1000, max: 60_000 }),
          factor: fc.double({ min: 1, max: 4, noNaN: true }),
          jitter: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.nat(30),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (options, attempt, r) => {
          const cap = backoffCap(attempt, options);
          expect(cap).toBeLessThanOrEqual(options.maxMs);
          expect(backoffCap(attempt + 1, options)).toBeGreaterThanOrEqual(cap);
          const delay = backoffDelay(attempt, options, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(cap * (1 - options.jitter)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(cap));
        },
      ),
    );
  });

  it('full jitter spreads retries over the whole [0, cap] range', () => {
    const options = { initialMs: 1000, maxMs: 1000, factor: 2, jitter: 1 };
    const delays = Array.from({ length: 500 }, () => backoffDelay(3, options));
    expect(Math.min(...delays)).toBeLessThan(100);
    expect(Math.max(...delays)).toBeGreaterThan(900);
  });

  it('a client that cannot connect retries with growing delays', async () => {
    const url = `ws://127.0.0.1:${await deadPort()}/api/runner/sessions/s`;
    const retries: StatusDetail[] = [];
    channel = channelTo(
      { url },
      {
        backoff: { initialMs: 5, maxMs: 40, factor: 2, jitter: 0.5 },
        random: () => 0.999,
        onStatus: (status, detail) => {
          if (status === 'reconnecting') retries.push(detail);
        },
      },
    );
    await eventually(() => retries.length >= 6);
    expect(retries.slice(0, 6).map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    // cap × (1 − 0.5 × 0.999): half the cap, growing 5, 10, 20, 40 and then held at 40.
    expect(retries.slice(0, 6).map((r) => r.retryInMs)).toEqual([3, 5, 10, 20, 20, 20]);
  });
});

describe('heartbeats', () => {
  it('a peer that goes silent is taken for dead after 2.5 heartbeats and the client reconnects', async () => {
    server = await FakeServer.start();
    server.policy.pong = false;
    const errors: ChannelError[] = [];
    const start = Date.now();
    channel = channelTo(server, { heartbeatMs: 100 });
    channel.on('error', (e) => errors.push(e));
    await eventually(() => server?.connections.length === 2);
    const elapsed = Date.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1000);
    expect(errors.map((e) => e.code)).toContain('heartbeat_timeout');
    // It did ping before giving up.
    expect(server.connections[0].frames.filter((f) => f.op === 'ping').length).toBeGreaterThanOrEqual(2);
  });

  it('a peer that answers pings keeps the connection', async () => {
    server = await FakeServer.start();
    channel = channelTo(server, { heartbeatMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.connections).toHaveLength(1);
    expect(channel.status).toBe('open');
  });

  it('reports connecting, open, reconnecting and open again', async () => {
    server = await FakeServer.start();
    const statuses: string[] = [];
    channel = channelTo(server, { onStatus: (s) => statuses.push(s) });
    await eventually(() => channel?.status === 'open');
    server.last?.kill();
    await eventually(() => server?.connections.length === 2 && channel?.status === 'open');
    await channel.close();
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open', 'closed']);
  });
});
