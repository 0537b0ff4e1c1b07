import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  createSessionFixture,
  listen,
  type SessionFixture,
} from '../../../test/support/messaging/session-fixture.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createLogger } from '../../observability/logger.ts';

type Frame = { op: string; code?: string; message?: string };

/** Opens the runner channel, says hello, sends `text`; resolves with every frame received and the close code. */
function sendRaw(f: SessionFixture, text: string): Promise<{ frames: Frame[]; close: number }> {
  return new Promise((resolve, reject) => {
    const frames: Frame[] = [];
    const ws = new WebSocket(f.runnerUrl, { headers: { authorization: `Bearer ${f.runnerToken}` } });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      frames.push(frame);
      if (frame.op === 'ready') ws.send(text);
      if (frame.op === 'error') setTimeout(() => ws.close(), 200);
    });
    ws.on('open', () => ws.send(JSON.stringify({ op: 'hello', protocol: 1, role: 'runner' })));
    ws.on('close', (code) => resolve({ frames, close: code }));
    ws.on('error', reject);
  });
}

describe('oversized frames on a session WebSocket', () => {
  let t: TestApp;
  let f: SessionFixture;
  const lines: { level: number; msg: string; err?: unknown; stack?: unknown }[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    t = await startTestApp({}, {}, { logger: createLogger('info', sink) });
    f = await createSessionFixture(t, await listen(t));
  });
  afterAll(() => t?.close());

  const frameOf = (bytes: number) => JSON.stringify({ op: 'send', message: { pad: 'x'.repeat(bytes) } });

  it('1–4 MiB: a frame_too_large error frame, and the connection carries on', async () => {
    const { frames, close } = await sendRaw(f, frameOf(2 * 1024 * 1024));
    const error = frames.find((fr) => fr.op === 'error');
    expect(error?.code).toBe('frame_too_large');
    expect(close).toBe(1005); // closed by the client after the error, not by the server
  });

  it('over the 4 MiB WebSocket limit: the same frame_too_large error frame, then 1009; a warning without a stack', async () => {
    const { frames, close } = await sendRaw(f, frameOf(5 * 1024 * 1024));
    expect(frames.find((fr) => fr.op === 'error')?.code).toBe('frame_too_large');
    expect(close).toBe(1009);
    const logged = lines.filter((l) => JSON.stringify(l).includes('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'));
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line.level).toBe(40); // warn
      expect(JSON.stringify(line)).not.toContain('    at ');
    }
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
