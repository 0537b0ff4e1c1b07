import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, ChannelError, PersistedEnvelope, ResyncFrame } from '../../src/index.ts';
import { persisted } from '../support/examples.ts';
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

function collect(options: Parameters<typeof channelTo>[1] = {}) {
  const received: number[] = [];
  const errors: ChannelError[] = [];
  channel = channelTo(server, { role: 'ui', onMessage: (m) => void received.push(m.seq), ...options });
  channel.on('error', (e) => errors.push(e));
  return { received, errors, channel };
}

describe('receiving messages', () => {
  it('repeated message frames are delivered once, in seq order', async () => {
    const { received } = collect();
    const conn = await server.connection(0);
    for (const seq of [1, 2, 2, 1, 3, 3]) conn.message(persisted(seq));
    await eventually(() => received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([1, 2, 3]);
  });

  it('a gap in seq makes the UI reconnect and resume after the last seq it has', async () => {
    const { received, errors } = collect();
    const first = await server.connection(0);
    for (const seq of [1, 2, 4]) first.message(persisted(seq));
    const second = await server.connection(1);
    expect(second.after).toBe(2);
    expect(received).toEqual([1, 2]);
    expect(errors.map((e) => e.code)).toContain('sequence_gap');

    for (const seq of [3, 4]) second.message(persisted(seq));
    await eventually(() => received.length === 4);
    expect(received).toEqual([1, 2, 3, 4]);
  });

  it('after a dropped connection the client resumes with after = the last seq it received', async () => {
    const { received } = collect({ after: 7 });
    const first = await server.connection(0);
    expect(first.after).toBe(7);
    for (const seq of [8, 9, 10]) first.message(persisted(seq));
    await eventually(() => received.length === 3);
    first.kill();
    const second = await server.connection(1);
    expect(second.after).toBe(10);
    expect(channel?.lastSeq).toBe(10);
  });

  it('resync moves the cursor to the server’s last seq and says so', async () => {
    const resyncs: ResyncFrame[] = [];
    const { received } = collect({ after: 50 });
    channel?.on('resync', (frame) => resyncs.push(frame));
    const conn = await server.connection(0);
    conn.push({ op: 'resync', reason: 'cursor_ahead', lastSeq: 10, earliestSeq: 1 });
    conn.message(persisted(11));
    await eventually(() => received.length === 1);
    expect(received).toEqual([11]);
    expect(resyncs).toEqual([{ op: 'resync', reason: 'cursor_ahead', lastSeq: 10, earliestSeq: 1 }]);
  });

  it('a message the client cannot read is reported and skipped without breaking the sequence', async () => {
    const { received, errors } = collect();
    const conn = await server.connection(0);
    conn.message(persisted(1));
    conn.push({ op: 'message', message: { ...persisted(2), type: 'from_the_future' } } as never);
    conn.message(persisted(3));
    await eventually(() => received.length === 2);
    expect(received).toEqual([1, 3]);
    expect(errors).toMatchObject([{ code: 'unknown_type', seq: 2 }]);
    expect(server.connections).toHaveLength(1);
  });
});

describe('runner input', () => {
  it('is acknowledged by seq once onMessage has resolved', async () => {
    let release!: () => void;
    const handled: PersistedEnvelope[] = [];
    channel = channelTo(server, {
      role: 'runner',
      onMessage: (m) => {
        handled.push(m);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const conn = await server.connection(0);
    await eventually(() => channel?.status === 'open');
    conn.message(persisted(5, 'prompt'));
    await eventually(() => handled.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(conn.frames.filter((f) => f.op === 'ack')).toEqual([]);

    release();
    await eventually(() => conn.frames.some((f) => f.op === 'ack'));
    expect(conn.frames.filter((f) => f.op === 'ack')).toEqual([{ op: 'ack', seq: 5 }]);

    // Seqs seen by a runner have gaps (it only gets input): no reconnect. A redelivery is acked again.
    conn.message(persisted(5, 'prompt'));
    conn.message(persisted(9, 'cancel'));
    await eventually(() => handled.length === 2);
    release();
    await eventually(() => conn.frames.filter((f) => f.op === 'ack').length === 3);
    expect(conn.frames.filter((f) => f.op === 'ack')).toEqual([
      { op: 'ack', seq: 5 },
      { op: 'ack', seq: 5 },
      { op: 'ack', seq: 9 },
    ]);
    expect(handled.map((m) => m.type)).toEqual(['prompt', 'cancel']);
    expect(server.connections).toHaveLength(1);
  });
});
