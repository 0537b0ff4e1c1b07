import { once } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { trackAcks } from '../../../test/support/messaging/chaos.ts';
import { runnerChannel, waitFor } from '../../../test/support/messaging/clients.ts';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../../test/support/messaging/session-fixture.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createMessagingHub } from '../index.ts';

const SLOW_BYTES = 64 * 1024;
const MESSAGES = 8000;

let t: TestApp;
let f: SessionFixture;

beforeAll(async () => {
  t = await startTestApp();
  f = await createSessionFixture(t, await listen(t));
  await t.ctx.messaging.close();
  t.ctx.messaging = await createMessagingHub(t.ctx, {
    slowSubscriberBytes: SLOW_BYTES,
    resumeBelowBytes: 16 * 1024,
    replayPageBytes: 64 * 1024,
  });
});
afterAll(() => t?.close());

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

describe('a UI client that stops reading', () => {
  it('is switched to replay from storage: the server buffers a bounded amount, memory stays flat, nothing is lost', async () => {
    const bob = await t.as('bob');
    const reader = new WebSocket(f.streamUrl, { headers: bob });
    const seqs: number[] = [];
    reader.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { op: string; message?: { seq: number } };
      if (frame.op === 'message') seqs.push(frame.message!.seq);
    });
    await once(reader, 'open');
    reader.send(JSON.stringify({ op: 'hello', protocol: 1, role: 'ui' }));
    await waitFor(() => t.app.websocketServer.clients.size === 1);
    reader.pause(); // stops reading: the kernel buffers fill, then the server's socket buffer

    let maxBuffered = 0;
    const sampler = setInterval(() => {
      for (const client of t.app.websocketServer.clients)
        maxBuffered = Math.max(maxBuffered, client.bufferedAmount);
    }, 5);
    const heapBefore = heapMb();
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
    const acks = trackAcks(runner);
    const filler = 'x'.repeat(2000); // 8000 × 2 kB = 16 MB, far more than socket buffers hold
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      ids.push((await runner.send({ type: 'log', payload: { text: `${i} ${filler}` } })).id);
      if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await acks.all(ids, 60_000);
    const heapAfter = heapMb();
    clearInterval(sampler);

    const metrics = await t.ctx.metrics.registry.getSingleMetricAsString(
      'rfe_messaging_slow_subscriber_switches_total',
    );
    expect(Number(metrics.trim().split(' ').at(-1))).toBeGreaterThanOrEqual(1);
    // One batch may go out after crossing the threshold; nothing queues beyond that.
    expect(maxBuffered).toBeLessThan(SLOW_BYTES + 600 * 1024);
    expect(heapAfter - heapBefore).toBeLessThan(20);

    reader.resume();
    await waitFor(
      () => seqs.length >= MESSAGES,
      60_000,
      () => `${seqs.length} received`,
    );
    expect(seqs).toEqual(Array.from({ length: MESSAGES }, (_, k) => k + 1));
    reader.close();
    await runner.close();
  }, 120_000);
});
