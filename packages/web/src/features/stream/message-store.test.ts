import { describe, expect, it } from 'vitest';
import { msg } from '../../../test/messages.ts';
import { MessageStore } from './message-store.ts';

const changed = (store: MessageStore) =>
  new Promise<void>((resolve) => {
    const off = store.subscribe(() => {
      off();
      resolve();
    });
  });

describe('MessageStore', () => {
  it('keeps every message once, in seq order, however pages and replays overlap', async () => {
    const store = new MessageStore();
    const done = changed(store);
    store.add([msg('log', { text: 'c' }, { seq: 3 }), msg('log', { text: 'a' }, { seq: 1 })]);
    store.add([msg('log', { text: 'b' }, { seq: 2 }), msg('log', { text: 'c again' }, { seq: 3 })]);
    await done;
    const { messages } = store.getSnapshot();
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(messages[2]!.type === 'log' && messages[2]!.payload.text).toBe('c');
    expect(store.lastSeq).toBe(3);
  });

  it('coalesces a burst into one notification, and stays quiet when nothing is new', async () => {
    const store = new MessageStore();
    let calls = 0;
    store.subscribe(() => calls++);
    for (let i = 1; i <= 50; i++) store.add([msg('log', { text: String(i) }, { seq: i })]);
    await new Promise((r) => setTimeout(r, 40));
    expect(calls).toBe(1);
    store.add([msg('log', { text: 'dup' }, { seq: 7 })]);
    await new Promise((r) => setTimeout(r, 40));
    expect(calls).toBe(1);
  });

  it('reports the floor of unloaded history and counts it as the last seq of an empty log', async () => {
    const store = new MessageStore();
    const done = changed(store);
    store.setFloor(200);
    await done;
    expect(store.getSnapshot().floor).toBe(200);
    expect(store.lastSeq).toBe(200);
  });
});
