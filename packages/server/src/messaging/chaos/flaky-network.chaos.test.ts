import { seeded } from '@rfe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectExactlySent,
  readLogOverHttp,
  sendMany,
  trackAcks,
} from '../../../test/support/messaging/chaos.ts';
import { runnerChannel, uiChannel } from '../../../test/support/messaging/clients.ts';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../../test/support/messaging/session-fixture.ts';
import { startTcpProxy, type TcpProxy } from '../../../test/support/messaging/tcp-proxy.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

const MESSAGES = 40_000;

let t: TestApp;
let f: SessionFixture;
let proxy: TcpProxy;

beforeAll(async () => {
  t = await startTestApp();
  const base = await listen(t);
  f = await createSessionFixture(t, base);
  proxy = await startTcpProxy(Number(new URL(base).port));
});
afterAll(async () => {
  await proxy?.close();
  await t?.close();
});

describe('chaos: a network that cuts connections at random', () => {
  it(`${MESSAGES} runner messages through a proxy that keeps cutting: stored and streamed exactly once, in order`, async () => {
    const viaProxy = (url: string) => url.replace(/:\d+\//, `:${proxy.port}/`);
    const bob = await t.as('bob');
    const direct = uiChannel(f.streamUrl, f.sessionId, bob);
    const flaky = uiChannel(viaProxy(f.streamUrl), f.sessionId, bob);
    const runner = runnerChannel(viaProxy(f.runnerUrl), f.sessionId, f.runnerToken, { heartbeatMs: 500 });
    proxy.cutRandomly(100, 600, seeded('flaky-network.chaos').random);

    const acks = trackAcks(runner);
    const ids = await sendMany(runner, MESSAGES, 'flaky', 4000);
    await acks.all(ids, 120_000);
    await Promise.all([direct.until(MESSAGES, 60_000), flaky.until(MESSAGES, 60_000)]);
    const cuts = proxy.cuts;
    await proxy.close();

    expect(cuts).toBeGreaterThan(5);
    expectExactlySent(await readLogOverHttp(f.messagesUrl, bob), ids, 'stored log');
    expectExactlySent(direct.received, ids, 'UI on a stable connection');
    expectExactlySent(flaky.received, ids, 'UI behind the flaky proxy');
    await Promise.all([direct.channel.close(), flaky.channel.close(), runner.close()]);
  }, 180_000);
});
