import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '@rfe/protocol';
import { describe, expect, it } from 'vitest';
import { FileOutbox } from './file-outbox.ts';

function message(text: string): Envelope {
  return {
    id: crypto.randomUUID(),
    sessionId: 's-1',
    ts: new Date().toISOString(),
    level: 'info',
    origin: 'runner',
    type: 'log',
    payload: { text },
  };
}

const dir = () => mkdtemp(join(tmpdir(), 'rfe-outbox-'));

describe('the file outbox', () => {
  it('keeps unacknowledged messages, in order, across a reopen', async () => {
    const path = await dir();
    const outbox = await FileOutbox.open(path);
    const sent = ['a', 'b', 'c', 'd'].map(message);
    for (const m of sent) await outbox.add(m);
    await outbox.remove(sent[1].id);
    // No close(): a crash leaves the journal as the last write left it.
    const reopened = await FileOutbox.open(path);
    expect((await reopened.pending()).map((m) => m.payload)).toEqual([
      { text: 'a' },
      { text: 'c' },
      { text: 'd' },
    ]);
    await reopened.close();
  });

  it('ignores a line torn by a crash mid-write, and appends cleanly after it', async () => {
    const path = await dir();
    const outbox = await FileOutbox.open(path);
    const first = message('kept');
    await outbox.add(first);
    await appendFile(outbox.journalPath, '{"op":"add","message":{"id":"torn'); // killed mid-write
    const reopened = await FileOutbox.open(path);
    expect(reopened.skippedLines).toBe(1);
    const second = message('after the crash');
    await reopened.add(second);
    const third = await FileOutbox.open(path);
    expect((await third.pending()).map((m) => m.id)).toEqual([first.id, second.id]);
    expect(third.skippedLines).toBe(0);
  });

  it('rewrites the journal once acknowledged messages pile up', async () => {
    const path = await dir();
    const outbox = await FileOutbox.open(path, { compactAfterRemovals: 10 });
    const all = Array.from({ length: 30 }, (_, i) => message(`m${i}`));
    for (const m of all) await outbox.add(m);
    for (const m of all.slice(0, 25)) await outbox.remove(m.id);
    const lines = (await readFile(outbox.journalPath, 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThan(30);
    const reopened = await FileOutbox.open(path);
    expect((await reopened.pending()).map((m) => m.id)).toEqual(all.slice(25).map((m) => m.id));
  });

  it('adding the same message twice keeps one copy; removing an unknown id is harmless', async () => {
    const outbox = await FileOutbox.open(await dir());
    const m = message('once');
    await outbox.add(m);
    await outbox.add(m);
    await outbox.remove('not-there');
    expect(await outbox.pending()).toHaveLength(1);
  });
});
