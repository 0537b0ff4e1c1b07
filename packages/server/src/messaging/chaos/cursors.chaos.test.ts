import type { PersistedEnvelope } from '@rfe/protocol';
import { seeded } from '@rfe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectExactlySent,
  readLogOverHttp,
  sendMany,
  trackAcks,
} from '../../../test/support/messaging/chaos.ts';
import { type RecordingUi, runnerChannel, uiChannel } from '../../../test/support/messaging/clients.ts';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../../test/support/messaging/session-fixture.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

const MESSAGES = 15_000;
const rand = seeded('cursors.chaos');

let t: TestApp;
let f: SessionFixture;

beforeAll(async () => {
  t = await startTestApp();
  f = await createSessionFixture(t, await listen(t));
});
afterAll(() => t?.close());

interface Visit {
  cursor: number;
  kind: 'stale' | 'future';
  ui: RecordingUi;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a client that resumed at `cursor` must have seen: a contiguous run of the log, nothing else. */
function expectContiguousRun(
  received: PersistedEnvelope[],
  from: number,
  ids: readonly string[],
  what: string,
) {
  received.forEach((m, k) => {
    expect(m.seq, `${what}: position ${k}`).toBe(from + k);
    expect(m.id, `${what}: seq ${m.seq}`).toBe(ids[m.seq - 1]);
  });
}

describe('chaos: UI clients coming back with stale and future cursors', () => {
  it(`while ${MESSAGES} messages stream, clients resume from random cursors: each gets exactly the rest, or a resync`, async () => {
    const bob = await t.as('bob');
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
    const acks = trackAcks(runner);
    const sending = sendMany(runner, MESSAGES, 'cursors', 2000);
    const visits: Visit[] = [];
    let streaming = true;
    void sending.then(() => {
      streaming = false;
    });
    while (streaming) {
      const head = await fetch(`${f.messagesUrl}?limit=1`, { headers: bob });
      const { lastSeq } = (await head.json()) as { lastSeq: number };
      const future = rand.random() < 0.3;
      // A future cursor lies past everything this test will ever send: the log cannot catch up with it
      // between this request and the client's connection, however fast it is stored.
      const cursor = future ? MESSAGES + 1 + rand.int(1000) : rand.int(lastSeq + 1);
      const ui = uiChannel(f.streamUrl, f.sessionId, bob, { after: cursor });
      visits.push({ cursor, kind: future ? 'future' : 'stale', ui });
      // Half of them leave early, as a tab that is closed; the rest stay to the end.
      if (visits.length % 2 === 0) void sleep(rand.between(100, 700)).then(() => ui.channel.close());
      await sleep(rand.between(100, 300));
    }
    const ids = await sending;
    await acks.all(ids, 60_000);
    const stayed = visits.filter((_, k) => k % 2 === 0);
    await Promise.all(stayed.map((v) => v.ui.until(MESSAGES, 60_000)));
    await Promise.all(visits.map((v) => v.ui.channel.close()));

    expectExactlySent(await readLogOverHttp(f.messagesUrl, bob), ids, 'stored log');
    expect(visits.filter((v) => v.kind === 'future').length).toBeGreaterThan(2);
    expect(visits.filter((v) => v.kind === 'stale').length).toBeGreaterThan(4);
    for (const [k, v] of visits.entries()) {
      const what = `client ${k} (${v.kind} cursor ${v.cursor})`;
      // A client that left early may have closed before its resync arrived (a loaded machine): then it saw nothing.
      const leftBeforeResync = k % 2 === 1 && v.ui.resyncs.length === 0;
      if (v.kind === 'future' && leftBeforeResync) {
        expect(v.ui.received, what).toEqual([]);
      } else if (v.kind === 'future') {
        expect(v.ui.resyncs, what).toHaveLength(1);
        expect(v.ui.resyncs[0]).toMatchObject({ reason: 'cursor_ahead', earliestSeq: 1 });
        expectContiguousRun(v.ui.received, v.ui.resyncs[0].lastSeq + 1, ids, what);
      } else {
        expect(v.ui.resyncs, what).toEqual([]);
        expectContiguousRun(v.ui.received, v.cursor + 1, ids, what);
      }
      // Those that stayed end at the last message: the last one received or, for a client that arrived once
      // everything was stored (nothing left to send it), where its resync or its cursor already stood.
      if (k % 2 === 0) {
        const end = v.ui.received.at(-1)?.seq ?? (v.kind === 'future' ? v.ui.resyncs[0]?.lastSeq : v.cursor);
        expect(end, what).toBe(MESSAGES);
      }
    }
    await runner.close();
  }, 180_000);
});
