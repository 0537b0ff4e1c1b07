import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../../test/support/messaging/session-fixture.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/** The first two frames a UI stream gets for cursor `after` (what the protocol README documents). */
function firstFrames(f: SessionFixture, after: number, headers: Record<string, string>): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const frames: unknown[] = [];
    const ws = new WebSocket(`${f.streamUrl}?after=${after}`, { headers });
    ws.on('open', () => ws.send(JSON.stringify({ op: 'hello', protocol: 1, role: 'ui' })));
    ws.on('message', (data) => {
      frames.push(JSON.parse(String(data)));
      if (frames.length === 2) {
        ws.close();
        resolve(frames);
      }
    });
    ws.on('error', reject);
  });
}

describe('a cursor the server cannot serve', () => {
  let t: TestApp;
  let f: SessionFixture;
  let bob: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    f = await createSessionFixture(t, await listen(t));
    bob = await t.as('bob');
  });
  afterAll(() => t?.close());

  it.each([
    [1000, 'cursor_ahead'],
    [-5, 'invalid_cursor'],
  ])('after=%i: ready, then resync with reason %s', async (after, reason) => {
    const [ready, resync] = await firstFrames(f, after, bob);
    expect(ready).toMatchObject({ op: 'ready', lastSeq: 0, resumeFrom: 1 });
    expect(resync).toEqual({ op: 'resync', reason, lastSeq: 0, earliestSeq: 1 });
  });
});
