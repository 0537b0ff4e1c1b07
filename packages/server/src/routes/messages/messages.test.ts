import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DATABASES } from '../../../test/support/databases.ts';
import { rawSocket, runnerChannel, uiChannel, waitFor } from '../../../test/support/messaging/clients.ts';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../../test/support/messaging/session-fixture.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
let base: string;
let f: SessionFixture;
let alice: { authorization: string };
let bob: { authorization: string };
let carol: { authorization: string };

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function message(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: uuid(n),
    sessionId: f.sessionId,
    ts: new Date().toISOString(),
    type: 'log',
    level: 'info',
    origin: 'runner',
    payload: { text: `line ${n}` },
    ...extra,
  };
}

async function page(after: number, limit: number, headers = bob) {
  const res = await fetch(`${f.messagesUrl}?after=${after}&limit=${limit}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    items: { seq: number; id: string; type: string }[];
    nextAfter: number;
    lastSeq: number;
  };
}

describe.each(DATABASES)('session messaging over the API (%s)', (database) => {
  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
    base = await listen(t);
    f = await createSessionFixture(t, base);
    [alice, bob, carol] = await Promise.all([t.as('alice'), t.as('bob'), t.as('carol')]);
  });
  afterAll(() => t?.close());

  it('stores runner messages, acknowledges each with its seq, and streams them to the UI in order', async () => {
    const ui = uiChannel(f.streamUrl, f.sessionId, bob);
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
    const acks: number[] = [];
    runner.on('ack', (a) => acks.push(a.seq));
    for (let i = 0; i < 500; i++) await runner.send({ type: 'log', payload: { text: `hello ${i}` } });
    await runner.drained();
    await ui.until(500);
    expect(acks).toEqual(Array.from({ length: 500 }, (_, k) => k + 1));
    expect(ui.received.map((m) => m.seq)).toEqual(acks);
    expect(ui.received.map((m) => (m.payload as { text: string }).text).slice(0, 2)).toEqual([
      'hello 0',
      'hello 1',
    ]);
    await Promise.all([ui.channel.close(), runner.close()]);
  });

  it('pages through the log with stable cursors: { items, nextAfter, lastSeq }', async () => {
    const first = await page(0, 200);
    expect(first.items.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, k) => k + 1));
    expect(first.nextAfter).toBe(200);
    expect(first.lastSeq).toBeGreaterThanOrEqual(500);
    const next = await page(first.nextAfter, 1000);
    expect(next.items[0].seq).toBe(201);
    const end = await page(next.lastSeq, 10);
    expect(end).toEqual({ items: [], nextAfter: next.lastSeq, lastSeq: next.lastSeq });
    const bad = await fetch(`${f.messagesUrl}?after=-1`, { headers: bob });
    expect(bad.status).toBe(400);
  });

  it("input from the session's owner is stored first, then delivered to the runner, and redelivered until acknowledged", async () => {
    const posted = await fetch(f.messagesUrl, {
      method: 'POST',
      headers: { ...alice, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'prompt', payload: { text: 'write the plan' } }),
    });
    expect(posted.status).toBe(201);
    const stored = (await posted.json()) as { seq: number; origin: string; type: string };
    expect(stored).toMatchObject({ type: 'prompt', origin: 'ui', sender: { subject: 'alice' } });

    // A runner that takes the input but dies before acknowledging it…
    const got: number[] = [];
    const forgetful = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken, {
      onMessage: () => new Promise(() => {}), // never done: never acknowledged
    });
    forgetful.on('message', (m) => got.push(m.seq));
    await waitFor(() => got.includes(stored.seq));
    await forgetful.close();
    // …gets it again on the next connection, which acknowledges it.
    const handled: number[] = [];
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken, {
      onMessage: (m) => void handled.push(m.seq),
    });
    await waitFor(() => handled.includes(stored.seq));
    const live = await t.ctx.messaging.open(
      { id: f.sessionId, workspace_id: f.workspaceId },
      await t.ctx.db
        .selectFrom('projects')
        .selectAll()
        .where('name', '=', f.project)
        .executeTakeFirstOrThrow(),
    );
    await waitFor(() => live.delivery.ackedSeq >= stored.seq);
    await runner.close();
    // Acknowledged: a later connection does not get it again.
    const later: number[] = [];
    const again = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken, {
      onMessage: (m) => void later.push(m.seq),
    });
    await waitFor(() => again.status === 'open');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(later).toEqual([]);
    await again.close();
  });

  it('a repeated input with the same id is stored once and answered with the stored message', async () => {
    const body = JSON.stringify({ id: uuid(9001), type: 'cancel', payload: { reason: 'stop' } });
    const headers = { ...alice, 'content-type': 'application/json' };
    const first = await fetch(f.messagesUrl, { method: 'POST', headers, body });
    const second = await fetch(f.messagesUrl, { method: 'POST', headers, body });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(await second.json()).toEqual(await first.json());
  });

  it('input is refused to a viewer (403), checked per field (400), and only prompt or cancel', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(f.messagesUrl, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const viewer = await post(bob, { type: 'prompt', payload: { text: 'hi' } });
    expect(viewer.status).toBe(403);
    const missing = await post(alice, { type: 'prompt', payload: {} });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      'payload.text',
    );
    const wrongType = await post(alice, { type: 'log', payload: { text: 'x' } });
    expect(wrongType.status).toBe(400);
  });

  it('duplicates from the runner are acknowledged with the original seq and stored once', async () => {
    const raw = await rawSocket(f.runnerUrl, { authorization: `Bearer ${f.runnerToken}` });
    raw.send({ op: 'hello', protocol: 1, role: 'runner' });
    raw.send({ op: 'send', message: message(5001) });
    raw.send({ op: 'send', message: message(5001) });
    await waitFor(() => raw.frames.filter((x) => x.op === 'ack').length === 2);
    const acks = raw.frames.filter((x) => x.op === 'ack');
    expect(acks[0]).toEqual(acks[1]);
    raw.send({ op: 'send', message: message(5001) });
    await waitFor(() => raw.frames.filter((x) => x.op === 'ack').length === 3);
    expect(raw.frames.filter((x) => x.op === 'ack')[2]).toEqual(acks[0]);
    const { items } = await page((acks[0].seq as number) - 1, 10);
    expect(items.filter((m) => m.id === uuid(5001))).toHaveLength(1);
    raw.ws.close();
  });

  it('a client whose hello says batchAcks gets the acks of a stored chunk in one acks frame; others one ack each', async () => {
    const batched = await rawSocket(f.runnerUrl, { authorization: `Bearer ${f.runnerToken}` });
    batched.send({ op: 'hello', protocol: 1, role: 'runner', batchAcks: true });
    await waitFor(() => batched.frames.some((x) => x.op === 'ready'));
    const ids = Array.from({ length: 40 }, (_, k) => uuid(7000 + k));
    for (const [k] of ids.entries()) batched.send({ op: 'send', message: message(7000 + k) });
    const acked = () =>
      batched.frames.flatMap((x) => (x.op === 'acks' ? (x.acks as { id: string; seq: number }[]) : []));
    await waitFor(() => acked().length === 40);
    expect(acked().map((a) => a.id)).toEqual(ids);
    const seqs = acked().map((a) => a.seq);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, k) => seqs[0] + k));
    expect(batched.frames.filter((x) => x.op === 'acks').length).toBeLessThan(40); // batched, not one each
    expect(batched.frames.filter((x) => x.op === 'ack')).toEqual([]);
    batched.ws.close();

    const single = await rawSocket(f.runnerUrl, { authorization: `Bearer ${f.runnerToken}` });
    single.send({ op: 'hello', protocol: 1, role: 'runner' });
    for (let k = 0; k < 5; k++) single.send({ op: 'send', message: message(7100 + k) });
    await waitFor(() => single.acks().length === 5);
    expect(single.frames.filter((x) => x.op === 'acks')).toEqual([]);
    single.ws.close();
  });

  it('bad frames get an error frame naming the problem; the connection and the log carry on', async () => {
    const before = (await page(0, 1)).lastSeq;
    const raw = await rawSocket(f.runnerUrl, { authorization: `Bearer ${f.runnerToken}` });
    raw.send({ op: 'hello', protocol: 1, role: 'runner' });
    await waitFor(() => raw.frames.some((x) => x.op === 'ready'));
    raw.send('{not json');
    raw.send({ op: 'send', message: message(6001, { type: 'teleport' }) });
    raw.send({
      op: 'send',
      message: message(6002, {
        type: 'command_end',
        payload: { cmd: 'npm test', exitCode: 'one', durationMs: 1 },
      }),
    });
    raw.send({ op: 'send', message: message(6003, { payload: { text: 'x'.repeat(1024 * 1024 + 10) } }) });
    raw.send({ op: 'send', message: message(6004, { sessionId: 'another-session' }) });
    raw.send({
      op: 'send',
      message: message(6005, { type: 'prompt', origin: 'runner', payload: { text: 'hi' } }),
    });
    raw.send({ op: 'jump' });
    raw.send({ op: 'send', message: message(6006) });
    await waitFor(() => raw.frames.some((x) => x.op === 'ack'));
    const errors = raw.frames.filter((x) => x.op === 'error').map((x) => [x.code, x.message, x.id]);
    expect(errors).toEqual([
      ['malformed_frame', expect.stringContaining('malformed JSON'), undefined],
      ['unknown_type', expect.stringContaining('message.type: unknown message type "teleport"'), uuid(6001)],
      ['invalid_message', expect.stringContaining('message.payload.exitCode'), uuid(6002)],
      ['frame_too_large', expect.stringContaining('1048576-byte limit'), uuid(6003)],
      ['invalid_message', expect.stringContaining('message.sessionId'), uuid(6004)],
      ['forbidden', expect.stringContaining('message.type: prompt is input for the runner'), uuid(6005)],
      ['invalid_frame', expect.stringContaining('op: Expected one of'), undefined],
    ]);
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
    const { items } = await page(before, 10);
    expect(items.map((m) => m.id)).toEqual([uuid(6006)]);
    raw.ws.close();
  });

  it('a stale cursor replays exactly what was missed; a future or negative cursor gets an explicit resync', async () => {
    const writer = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
    for (let i = 0; i < 10; i++) await writer.send({ type: 'log', payload: { text: `before ${i}` } });
    await writer.drained();
    await writer.close();
    const { lastSeq } = await page(0, 1);
    const stale = uiChannel(f.streamUrl, f.sessionId, bob, { after: lastSeq - 5 });
    const future = uiChannel(f.streamUrl, f.sessionId, bob, { after: lastSeq + 1000 });
    // The client library never sends a negative cursor; a hand-made client can.
    const negative = await rawSocket(`${f.streamUrl}?after=-3`, bob);
    negative.send({ op: 'hello', protocol: 1, role: 'ui' });
    await stale.until(lastSeq);
    expect(stale.received.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5].map((k) => lastSeq - 5 + k));
    await waitFor(() => future.resyncs.length > 0 && negative.frames.length >= 2);
    expect(future.resyncs[0]).toEqual({ op: 'resync', reason: 'cursor_ahead', lastSeq, earliestSeq: 1 });
    expect(negative.frames.slice(0, 2)).toEqual([
      { op: 'ready', lastSeq, resumeFrom: lastSeq + 1 },
      { op: 'resync', reason: 'invalid_cursor', lastSeq, earliestSeq: 1 },
    ]);
    const runner = runnerChannel(f.runnerUrl, f.sessionId, f.runnerToken);
    await runner.send({ type: 'log', payload: { text: 'after the resync' } });
    await Promise.all([future.until(lastSeq + 1), stale.until(lastSeq + 1)]);
    expect(future.received.map((m) => m.seq)).toEqual([lastSeq + 1]);
    negative.ws.close();
    await Promise.all([stale.channel.close(), future.channel.close(), runner.close()]);
  });

  it('the owner may send input over the stream; a viewer gets a forbidden error frame', async () => {
    const editor = uiChannel(f.streamUrl, f.sessionId, alice);
    const viewer = uiChannel(f.streamUrl, f.sessionId, bob);
    const acks: number[] = [];
    editor.channel.on('ack', (a) => acks.push(a.seq));
    await editor.channel.send({ type: 'prompt', payload: { text: 'from the stream' } });
    await viewer.channel.send({ type: 'prompt', payload: { text: 'not allowed' } });
    await waitFor(() => acks.length === 1 && viewer.errors.length > 0);
    expect(viewer.errors[0]).toMatch(/^forbidden: Sending input needs the "session.input" capability/);
    await viewer.channel.drained(); // a refused message leaves the outbox
    await editor.until(acks[0]);
    expect(editor.received.at(-1)).toMatchObject({ seq: acks[0], type: 'prompt', origin: 'ui' });
    await Promise.all([editor.channel.close(), viewer.channel.close()]);
  });

  it('an editor who does not own the session is refused prompt and cancel (403 naming the capability), audited, the log untouched', async () => {
    const before = (await page(0, 1)).lastSeq;
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(f.messagesUrl, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const prompt = await post(carol, {
      id: uuid(9101),
      type: 'prompt',
      payload: { text: 'echo carol-was-here' },
    });
    expect(prompt.status).toBe(403);
    expect(((await prompt.json()) as { error: { details: unknown } }).error.details).toEqual({
      capability: 'session.input',
    });
    const cancel = await post(carol, { id: uuid(9102), type: 'cancel', payload: { reason: 'mine now' } });
    expect(cancel.status).toBe(403);
    expect(((await cancel.json()) as { error: { message: string } }).error.message).toContain(
      'session.cancel.any',
    );
    // Over the stream as well.
    const stream = uiChannel(f.streamUrl, f.sessionId, carol);
    await stream.channel.send({ type: 'prompt', payload: { text: 'echo via the stream' } });
    await waitFor(() => stream.errors.length > 0);
    expect(stream.errors[0]).toMatch(/^forbidden: Only the owner of a session may send it a prompt/);
    await stream.channel.close();
    expect((await page(0, 1)).lastSeq).toBe(before);
    const rows = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target', '=', `session:${f.sessionId}`)
      .where('actor', '=', 'carol')
      .execute();
    const denied = rows.filter((r) => r.outcome === 'denied').map((r) => [r.action, JSON.parse(r.details)]);
    expect(denied).toEqual([
      ['session.prompt', expect.objectContaining({ messageId: uuid(9101), capability: 'session.input' })],
      [
        'session.cancel',
        expect.objectContaining({ messageId: uuid(9102), capability: 'session.cancel.any' }),
      ],
      ['session.prompt', expect.objectContaining({ capability: 'session.input' })],
    ]);
  });

  it('the sender of an input is the caller, whatever the client wrote; accepted input is audited', async () => {
    const raw = await rawSocket(f.streamUrl, alice);
    raw.send({ op: 'hello', protocol: 1, role: 'ui' });
    await waitFor(() => raw.frames.some((x) => x.op === 'ready'));
    raw.send({
      op: 'send',
      message: {
        id: uuid(9201),
        sessionId: f.sessionId,
        ts: new Date().toISOString(),
        type: 'prompt',
        level: 'info',
        origin: 'ui',
        sender: { userId: 'someone', subject: 'carol' },
        payload: { text: 'who am I' },
      },
    });
    await waitFor(() => raw.frames.some((x) => x.op === 'ack'));
    raw.ws.close();
    const seq = raw.frames.find((x) => x.op === 'ack')!.seq as number;
    const [stored] = (await page(seq - 1, 1, alice)).items as unknown as { sender: { subject: string } }[];
    expect(stored.sender.subject).toBe('alice');
    const accepted = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'session.prompt')
      .where('actor', '=', 'alice')
      .where('outcome', '=', 'success')
      .execute();
    expect(accepted.map((r) => JSON.parse(r.details).messageId)).toContain(uuid(9201));
  });

  it('a runner token opens only its own session; other credentials are refused before the upgrade', async () => {
    const other = await createSessionFixture(t, base);
    const refused = async (url: string, headers: Record<string, string>) => {
      const ws = new WebSocket(url, { headers });
      const [error] = (await once(ws, 'error')) as [Error];
      return error.message;
    };
    expect(await refused(other.runnerUrl, { authorization: `Bearer ${f.runnerToken}` })).toContain('403');
    expect(await refused(f.runnerUrl, alice)).toContain('401');
    expect(await refused(f.runnerUrl, {})).toContain('401');
    expect(await refused(f.streamUrl, { authorization: `Bearer ${f.runnerToken}` })).toContain('403');
    expect(
      await refused(f.streamUrl.replace(f.sessionId, other.sessionId).replace(f.project, 'nope'), bob),
    ).toContain('404');
  });

  it('the stream checks Origin against the public URL and ALLOWED_ORIGINS', async () => {
    const open = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(f.streamUrl, { headers });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        });
      });
    expect(await open({ ...bob, origin: base })).toBe('open');
    expect(await open({ ...bob, origin: 'https://evil.example' })).toContain('403');
  });

  it('exposes messaging metrics', async () => {
    const text = await t.ctx.metrics.registry.metrics();
    for (const name of [
      'rfe_messages_runner_to_server_seconds_count',
      'rfe_messages_server_to_ui_seconds_count',
      'rfe_messages_persisted_total',
      'rfe_message_bytes_persisted_total',
      'rfe_message_flush_seconds_count',
      'rfe_messaging_connected_runners',
      'rfe_messaging_connected_clients',
      'rfe_messaging_resumes_total',
      'rfe_messaging_duplicates_dropped_total',
      'rfe_messaging_resyncs_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/rfe_messaging_duplicates_dropped_total [1-9]/);
  });
});
