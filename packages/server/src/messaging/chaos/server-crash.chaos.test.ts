import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../test/support/test-app.ts';
import { expectExactlySent, readLogOverHttp, sendMany, trackAcks } from '../test-support/chaos.ts';
import { runnerChannel, uiChannel } from '../test-support/clients.ts';
import { freePort, type ServerProcess, startServerProcess } from '../test-support/server-process.ts';
import { createSessionFixture, type SessionFixture } from '../test-support/session-fixture.ts';

const MESSAGES = 25_000;
const KILLS = 3;

let dataDir: string;
let port: number;
let f: SessionFixture;
let bob: { authorization: string };
let server: ServerProcess | undefined;

beforeAll(async () => {
  // Prepare users, tokens, project and session on a data directory, then hand it to a server process.
  const t = await startTestApp();
  port = await freePort();
  f = await createSessionFixture(t, `http://127.0.0.1:${port}`);
  bob = await t.as('bob');
  dataDir = t.dataDir;
  await t.app.close();
  await t.ctx.close();
  server = await startServerProcess(dataDir, port);
});
afterAll(async () => {
  await server?.kill();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('chaos: the server is killed mid-stream', () => {
  it(`${MESSAGES} runner messages while the server is SIGKILLed ${KILLS} times: the log continues from storage, nothing lost or repeated`, async () => {
    const ui = uiChannel(f.streamUrl, f.sessionId, bob);
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
    const acks = trackAcks(runner);
    const sending = sendMany(runner, MESSAGES, 'crash', 2500);
    for (let k = 0; k < KILLS; k++) {
      await sleep(1500 + Math.random() * 1500);
      await server!.kill(); // no shutdown: queued messages, the index and acks in flight are lost
      server = await startServerProcess(dataDir, port);
    }
    const ids = await sending;
    await acks.all(ids, 120_000);
    await ui.until(MESSAGES, 60_000);

    expectExactlySent(await readLogOverHttp(f.messagesUrl, bob), ids, 'stored log');
    expectExactlySent(ui.received, ids, 'UI client');
    expect(ui.channel.lastSeq).toBe(MESSAGES);
    await Promise.all([ui.channel.close(), runner.close()]);
  }, 180_000);
});
