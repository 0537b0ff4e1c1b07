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
import { type FaultyStore, withFaults } from '../../../test/support/storage/faulty-store.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createMessagingHub } from '../index.ts';

const MESSAGES = 25_000;
const rand = seeded('failing-store.chaos');

// Once with a chunk write per session, once with cross-session group commit (S3's default, here on the
// directory store): group-commit objects, staged chunks and their recovery meet the same failures.
describe.each([
  { writes: 'per-session chunks', settings: {} },
  { writes: 'group commit', settings: { groupCommit: 'always', stageMs: 100 } as const },
])('chaos: an object store that fails 20 % of writes and times out some ($writes)', ({ settings }) => {
  let t: TestApp;
  let f: SessionFixture;
  const faulty: FaultyStore[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const base = await listen(t);
    f = await createSessionFixture(t, base);
    await t.ctx.messaging.close();
    t.ctx.messaging = await createMessagingHub(
      t.ctx,
      // Small chunks: many more writes for the faults to hit.
      {
        retryBaseMs: 5,
        retryMaxMs: 100,
        flushBytes: 16 * 1024,
        mergeFanIn: 8,
        segmentBytes: 1_000_000,
        ...settings,
      },
      {
        wrapStore: (store) => {
          const s = withFaults(store, { failRate: 0.2, timeoutRate: 0.03, timeoutMs: 60, rng: rand.random });
          faulty.push(s);
          return s;
        },
      },
    );
  });
  afterAll(() => t?.close());

  it(`${MESSAGES} runner messages, compactions and a restart over a failing store: exactly the messages sent, in order`, async () => {
    const bob = await t.as('bob');
    const ui = uiChannel(f.streamUrl, f.sessionId, bob);
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
    const acks = trackAcks(runner);
    const ids = await sendMany(runner, MESSAGES, 'faults', 4000);
    await acks.all(ids, 120_000);
    await ui.until(MESSAGES, 60_000);
    expectExactlySent(ui.received, ids, 'UI client');
    expectExactlySent(await readLogOverHttp(f.messagesUrl, bob), ids, 'stored log');

    // The session ends: its chunks become segments, through the same failures.
    await t.ctx.messaging.endSession(f.sessionId);
    await Promise.all([ui.channel.close(), runner.close()]);
    const injected = faulty.reduce((sum, s) => sum + s.injected.failures + s.injected.timeouts, 0);
    expect(injected).toBeGreaterThan(50);
    expect(faulty.some((s) => s.injected.timeouts > 0)).toBe(true);

    // A restarted server reads the same log back from storage.
    await t.ctx.messaging.close();
    t.ctx.messaging = await createMessagingHub(t.ctx, settings);
    expectExactlySent(await readLogOverHttp(f.messagesUrl, bob), ids, 'log after restart');
    const summary = () =>
      t.ctx.db
        .selectFrom('message_logs')
        .selectAll()
        .where('session_id', '=', f.sessionId)
        .executeTakeFirst();
    await expect.poll(summary).toMatchObject({ message_count: MESSAGES, last_seq: MESSAGES });
    expect((await summary())!.segments).toBeGreaterThan(1);
  }, 180_000);
});
