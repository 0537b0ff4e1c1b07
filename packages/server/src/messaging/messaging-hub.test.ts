import type { Envelope } from '@rfe/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSocket, runnerChannel, waitFor } from '../../test/support/messaging/clients.ts';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../test/support/messaging/session-fixture.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { InProcessFanOut } from './fan-out/in-process-fan-out.ts';
import { createMessagingHub } from './index.ts';
import { MessagingHub } from './messaging-hub.ts';
import { messagingSettings } from './settings.ts';

let t: TestApp;
let f: SessionFixture;
const runnerHeaders = () => ({ authorization: `Bearer ${f.runnerToken}` });

beforeAll(async () => {
  t = await startTestApp();
  f = await createSessionFixture(t, await listen(t));
});
afterAll(() => t?.close());

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const log = (n: number) => ({
  op: 'send',
  message: {
    id: uuid(n),
    sessionId: f.sessionId,
    ts: new Date().toISOString(),
    type: 'log',
    level: 'info',
    origin: 'runner',
    payload: { text: `m${n}` },
  },
});

async function restart(overrides = {}) {
  await t.ctx.messaging.close();
  t.ctx.messaging = await createMessagingHub(t.ctx, overrides);
}

async function runnerSends(ids: number[]) {
  const raw = await rawSocket(f.runnerUrl, runnerHeaders());
  raw.send({ op: 'hello', protocol: 1, role: 'runner' });
  for (const n of ids) raw.send(log(n));
  await waitFor(() => raw.acks().length === ids.length);
  raw.ws.close();
  return raw.acks().map((a) => a.seq);
}

describe('MessagingHub across restarts', () => {
  it('continues the log from storage, and still recognises resent messages by id', async () => {
    const before = await runnerSends(Array.from({ length: 100 }, (_, k) => k + 1));
    expect(before).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
    await restart();
    // The runner never got these acks (say): it resends the last 50, then goes on.
    const after = await runnerSends([...Array.from({ length: 50 }, (_, k) => k + 51), 101, 102]);
    expect(after).toEqual([...before.slice(50), 101, 102]);
  });

  it('input the runner has not acknowledged is delivered again by a restarted server; acknowledged input is not', async () => {
    const alice = await t.as('alice'); // the session's owner
    const res = await fetch(f.messagesUrl, {
      method: 'POST',
      headers: { ...alice, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'prompt', payload: { text: 'plan it' } }),
    });
    const { seq } = (await res.json()) as { seq: number };
    const seen = await rawSocket(f.runnerUrl, runnerHeaders());
    seen.send({ op: 'hello', protocol: 1, role: 'runner' });
    await waitFor(() => seen.frames.some((x) => x.op === 'message'));
    seen.ws.close(); // received, never acknowledged
    await restart();

    const handled: number[] = [];
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken, {
      onMessage: (m) => void handled.push(m.seq),
    });
    await waitFor(() => handled.includes(seq));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the ack reaches delivery.json
    await runner.close();
    await restart();
    const later = await rawSocket(f.runnerUrl, runnerHeaders());
    later.send({ op: 'hello', protocol: 1, role: 'runner' });
    await waitFor(() => later.frames.some((x) => x.op === 'ready'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(later.frames.filter((x) => x.op === 'message')).toEqual([]);
    expect(later.frames[0]).toMatchObject({ op: 'ready', resumeFrom: seq + 1 });
    later.ws.close();
  });

  it('a session nobody uses is sealed into segments and unloaded; it reopens from storage', async () => {
    await restart({ idleUnloadMs: 300 });
    const before = await runnerSends([9001, 9002, 9003]);
    await waitFor(() => t.ctx.messaging.loadedSessions === 0, 10_000);
    const project = await t.ctx.db
      .selectFrom('projects')
      .selectAll()
      .where('name', '=', f.project)
      .executeTakeFirstOrThrow();
    const store = t.ctx.projectStores.storeFor(project);
    const keys = (await store.list(`rfe_workflows/${f.workspaceId}/sessions/${f.sessionId}/`)).objects.map(
      (o) => o.key.split('/').pop(),
    );
    expect(keys).toContain('messages-0001.jsonl');
    expect(keys.filter((k) => k?.endsWith('.jsonl') && !k.startsWith('messages-'))).toEqual([]);
    const bob = await t.as('bob');
    const page = (await (
      await fetch(`${f.messagesUrl}?after=${before[0] - 1}`, { headers: bob })
    ).json()) as {
      items: { seq: number }[];
    };
    expect(page.items.map((m) => m.seq)).toEqual(before);
    await restart();
  });

  it('hands persisted runner messages to the session manager seam', async () => {
    const got: Envelope[] = [];
    await t.ctx.messaging.close();
    t.ctx.messaging = new MessagingHub({
      db: t.ctx.db,
      logger: t.ctx.logger,
      registry: t.ctx.metrics.registry,
      settings: messagingSettings(t.ctx.config),
      fanOut: new InProcessFanOut(),
      storeFor: (p) => t.ctx.projectStores.storeFor(p),
      onRunnerMessages: (_id, messages) => got.push(...messages),
    });
    await runnerSends([7001, 7002]);
    expect(got.map((m) => m.id)).toEqual([uuid(7001), uuid(7002)]);
  });
});
