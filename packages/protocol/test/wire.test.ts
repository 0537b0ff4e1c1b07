import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, parseClientFrame, parseServerFrame } from '../src/index.ts';
import { example, persisted } from './support/examples.ts';

function failure(result: { ok: boolean; error?: unknown }) {
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe('client frames, as the server parses them', () => {
  it('accepts hello, send, ack and ping', () => {
    const message = example('log');
    for (const frame of [
      { op: 'hello', protocol: 1, role: 'runner', token: 't' },
      { op: 'hello', protocol: 1, role: 'ui' },
      { op: 'send', message },
      { op: 'ack', seq: 3 },
      { op: 'ping' },
    ]) {
      expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
    }
  });

  it('names the field of a bad message and the message id, so the producer can drop it', () => {
    const message = example('command_end', { payload: { cmd: 'ls', exitCode: 1.5, durationMs: 1 } });
    expect(failure(parseClientFrame(JSON.stringify({ op: 'send', message })))).toEqual({
      code: 'invalid_message',
      message: 'message.payload.exitCode: Expected integer',
      id: message.id,
    });
  });

  it('refuses a seq set by a producer', () => {
    const frame = { op: 'send', message: { ...example('log'), seq: 4 } };
    expect(failure(parseClientFrame(JSON.stringify(frame)))).toMatchObject({ code: 'invalid_message' });
  });

  it('an unknown message type in a send frame is unknown_type', () => {
    const frame = { op: 'send', message: { ...example('log'), type: 'nope' } };
    expect(failure(parseClientFrame(JSON.stringify(frame)))).toMatchObject({ code: 'unknown_type' });
  });

  it('an unknown op or protocol version is invalid_frame', () => {
    expect(failure(parseClientFrame('{"op":"subscribe"}'))).toEqual({
      code: 'invalid_frame',
      message: 'op: Expected one of hello, send, ack, ping',
    });
    expect(failure(parseClientFrame('{"op":"hello","protocol":2,"role":"ui"}'))).toMatchObject({
      code: 'invalid_frame',
      message: 'protocol: version 2 is not supported (use 1)',
    });
  });

  it('an oversize send frame still names the message id when it can', () => {
    const message = example('log', { payload: { text: 'x'.repeat(MAX_FRAME_BYTES) } });
    expect(failure(parseClientFrame(JSON.stringify({ op: 'send', message })))).toMatchObject({
      code: 'frame_too_large',
      id: message.id,
    });
  });
});

describe('server frames, as the client parses them', () => {
  it('accepts every server frame', () => {
    for (const frame of [
      { op: 'ready', lastSeq: 0, resumeFrom: 1 },
      { op: 'message', message: persisted(1) },
      { op: 'ack', id: example('log').id, seq: 1 },
      { op: 'error', code: 'invalid_message', message: 'payload.text: Expected string', id: 'x' },
      { op: 'resync', reason: 'truncated', lastSeq: 90, earliestSeq: 40 },
      { op: 'pong' },
      { op: 'heartbeat' },
    ]) {
      expect(parseServerFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
    }
  });

  it('a message without seq is refused', () => {
    expect(
      failure(parseServerFrame(JSON.stringify({ op: 'message', message: example('log') }))),
    ).toMatchObject({
      message: 'message.seq: Expected required property',
    });
  });

  it('a message of an unknown type still reports its seq, so the client can move past it', () => {
    const frame = { op: 'message', message: { ...persisted(7), type: 'from_the_future' } };
    expect(failure(parseServerFrame(JSON.stringify(frame)))).toMatchObject({ code: 'unknown_type', seq: 7 });
  });
});
