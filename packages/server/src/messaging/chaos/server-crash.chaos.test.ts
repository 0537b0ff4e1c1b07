import fs from 'node:fs';
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
  freePort,
  type ServerProcess,
  startServerProcess,
} from '../../../test/support/messaging/server-process.ts';
import {
  createSessionFixture,
  type SessionFixture,
} from '../../../test/support/messaging/session-fixture.ts';
import { type S3rverHandle, startS3rver } from '../../../test/support/s3rver.ts';
import { startTestApp } from '../../../test/support/test-app.ts';

const MESSAGES = 25_000;
const KILLS = 3;
const rand = seeded('server-crash.chaos');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// On s3rver the server group-commits: acknowledged messages may exist only in group-commit objects when
// it is killed, and the restarted server must write them into the session before continuing.
describe.each([{ storage: 'directory store' }, { storage: 's3rver, group commit' }])(
  'chaos: the server is killed mid-stream ($storage)',
  ({ storage }) => {
    let dataDir: string;
    let port: number;
    let f: SessionFixture;
    let bob: { authorization: string };
    let server: ServerProcess | undefined;
    let s3: S3rverHandle | undefined;
    let env: Record<string, string> = {};

    beforeAll(async () => {
      if (storage.startsWith('s3rver')) {
        s3 = await startS3rver({ buckets: ['crash'] });
        env = {
          OBJECT_STORE: 's3',
          S3_ENDPOINT: s3.endpoint,
          S3_BUCKET: 'crash',
          S3_ACCESS_KEY_ID: s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
          S3_FORCE_PATH_STYLE: 'true',
        };
      }
      // Prepare users, tokens, project and session on a data directory, then hand it to a server process.
      const t = await startTestApp({}, env);
      port = await freePort();
      f = await createSessionFixture(t, `http://127.0.0.1:${port}`);
      bob = await t.as('bob');
      dataDir = t.dataDir;
      await t.app.close();
      await t.ctx.close();
      server = await startServerProcess(dataDir, port, env);
    });
    afterAll(async () => {
      await server?.kill();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      await s3?.stop();
    });

    it(`${MESSAGES} runner messages while the server is SIGKILLed ${KILLS} times: the log continues from storage, nothing lost or repeated`, async () => {
      const ui = uiChannel(f.streamUrl, f.sessionId, bob);
      const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
      const acks = trackAcks(runner);
      const sending = sendMany(runner, MESSAGES, 'crash', 2500);
      for (let k = 0; k < KILLS; k++) {
        await sleep(rand.between(1500, 3000));
        await server!.kill(); // no shutdown: queued messages, the index and acks in flight are lost
        server = await startServerProcess(dataDir, port, env);
      }
      const ids = await sending;
      await acks.all(ids, 120_000);
      await ui.until(MESSAGES, 60_000);

      expectExactlySent(await readLogOverHttp(f.messagesUrl, bob), ids, 'stored log');
      expectExactlySent(ui.received, ids, 'UI client');
      expect(ui.channel.lastSeq).toBe(MESSAGES);
      await Promise.all([ui.channel.close(), runner.close()]);
    }, 180_000);
  },
);
