import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactlySent, sendMany, trackAcks } from '../../../test/support/messaging/chaos.ts';
import { runnerChannel, uiChannel, waitFor } from '../../../test/support/messaging/clients.ts';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../../test/support/messaging/session-fixture.ts';
import { type S3rverHandle, startS3rver } from '../../../test/support/s3rver.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config/config.ts';
import { type AppContext, createContext } from '../../context.ts';
import type { PublishedBatch } from './fan-out.ts';
import { RedisFanOut } from './redis-fan-out.ts';

// The test script starts Redis on this port (scripts/services.sh ensure_redis). Never skipped: without
// Redis these tests fail.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';
const silent = pino({ level: 'silent' });

const batch = (sessionId: string, first: number): PublishedBatch => ({
  sessionId,
  first,
  last: first,
  lines: [`{"seq":${first}}`],
  persistedAt: Date.now(),
});

describe('Redis fan-out', () => {
  it('delivers a batch to subscribers on every instance, once each, and stops after unsubscribe', async () => {
    const a = new RedisFanOut(REDIS_URL, silent);
    const b = new RedisFanOut(REDIS_URL, silent);
    await Promise.all([a.ready(), b.ready()]);
    const session = `s-${Date.now()}`;
    const onA: number[] = [];
    const onB: number[] = [];
    await a.subscribe(session, (x) => onA.push(x.first));
    const stopB = await b.subscribe(session, (x) => onB.push(x.first));
    await b.subscribe('another-session', () => onB.push(-1));
    a.publish(batch(session, 1));
    a.publish(batch(session, 2));
    await waitFor(() => onB.length === 2);
    expect(onA).toEqual([1, 2]);
    expect(onB).toEqual([1, 2]);
    stopB();
    a.publish(batch(session, 3));
    await waitFor(() => onA.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onB).toEqual([1, 2]);
    await Promise.all([a.close(), b.close()]);
  });
});

const s3Env = (s3: S3rverHandle) => ({
  OBJECT_STORE: 's3',
  S3_ENDPOINT: s3.endpoint,
  S3_BUCKET: 'shared',
  S3_ACCESS_KEY_ID: s3.accessKeyId,
  S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  S3_FORCE_PATH_STYLE: 'true',
});

// On S3 the writer group-commits: its chunks reach the session folder up to a second after they were
// acknowledged, so the other instance must look at storage again rather than trust one look.
describe.each([{ storage: 'a shared directory' }, { storage: 's3rver, with group commit' }])(
  'two server instances sharing storage ($storage) and Redis',
  ({ storage }) => {
    let first: TestApp;
    let second: { ctx: AppContext; close: () => Promise<void>; base: string };
    let f: SessionFixture;
    let s3: S3rverHandle | undefined;

    beforeAll(async () => {
      s3 = storage.startsWith('s3rver') ? await startS3rver({ buckets: ['shared'] }) : undefined;
      const env = { REDIS_URL, ...(s3 ? s3Env(s3) : {}) };
      first = await startTestApp({}, env);
      const base = await listen(first);
      f = await createSessionFixture(first, base);
      const ctx = await createContext(
        loadConfig({ LOG_LEVEL: 'silent', ...env }, { dataDir: first.dataDir, port: 0 }),
        {
          logger: silent,
        },
      );
      const app = await buildApp(ctx);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as { port: number };
      second = {
        ctx,
        base: `http://127.0.0.1:${port}`,
        close: async () => {
          await app.close();
          await ctx.close();
        },
      };
    });
    afterAll(async () => {
      await second?.close();
      await first?.close();
      await s3?.stop();
    });

    it('a UI on the other instance gets the runner messages live and in order, and resumes from storage', async () => {
      expect(first.ctx.messaging.fanOut.kind).toBe('redis');
      const bob = await first.as('bob');
      const otherStream = f.streamUrl.replace(
        new URL(f.messagesUrl).origin.replace('http', 'ws'),
        second.base.replace('http', 'ws'),
      );
      const early = uiChannel(otherStream, f.sessionId, bob);
      await waitFor(() => early.channel.status === 'open');
      const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
      const acks = trackAcks(runner);
      const ids = await sendMany(runner, 3000, 'redis', 3000);
      await acks.all(ids, 30_000);
      await early.until(3000);
      expectExactlySent(early.received, ids, 'UI on the other instance');
      // More messages, and at once a late client on the other instance resumes from the middle: it reads
      // the shared storage, which may not hold the newest messages yet (group commit stages them).
      const more = await sendMany(runner, 1000, 'redis-more', 3000);
      await acks.all(more, 30_000);
      const late = uiChannel(otherStream, f.sessionId, bob, { after: 1500 });
      await late.until(4000);
      expect(late.received.map((m) => m.seq)).toEqual(Array.from({ length: 2500 }, (_, k) => 1501 + k));
      await early.until(4000);
      expectExactlySent(early.received, [...ids, ...more], 'UI on the other instance, after more');
      await Promise.all([early.channel.close(), late.channel.close(), runner.close()]);
    }, 60_000);
  },
);
