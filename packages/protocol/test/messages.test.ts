import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Envelope,
  MAX_FRAME_BYTES,
  MESSAGE_TYPES,
  parseFrame,
  protocolJsonSchemas,
  validateEnvelope,
  validatePersistedEnvelope,
} from '../src/index.ts';
import { example, PAYLOADS } from './support/examples.ts';

function errorOf(result: ReturnType<typeof validateEnvelope>) {
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe('message schemas', () => {
  it.each(MESSAGE_TYPES)('a valid %s message passes validation and parsing', (type) => {
    const message = example(type);
    expect(validateEnvelope(message)).toEqual({ ok: true, value: message });
    expect(parseFrame(JSON.stringify(message))).toEqual({ ok: true, value: message });
  });

  it("covers exactly the sixteen message types of the spec, and the runner's prompt_state", () => {
    expect([...MESSAGE_TYPES].sort()).toEqual(Object.keys(PAYLOADS).sort());
    expect(MESSAGE_TYPES).toHaveLength(17);
  });

  it('a prompt_state names the prompt by seq and is one of delivered, answered, dropped', () => {
    const state = example('prompt_state', { payload: { promptSeq: 3, state: 'lost' } } as never);
    expect(errorOf(validateEnvelope(state)).message).toBe(
      'payload.state: Expected one of delivered, answered, dropped',
    );
    const seq = example('prompt_state', { payload: { promptSeq: 0, state: 'delivered' } });
    expect(errorOf(validateEnvelope(seq)).message).toMatch(/^payload.promptSeq: /);
  });

  it('any payload may carry a partial marker', () => {
    for (const type of MESSAGE_TYPES) {
      const message = example(type, {
        payload: { ...PAYLOADS[type], partial: { id: 'p1', index: 0, total: 2 } },
      });
      expect(validateEnvelope(message).ok).toBe(true);
    }
  });

  it('a persisted message needs a seq; a producer message may leave it out', () => {
    const message = example('log');
    expect(errorOf(validatePersistedEnvelope(message)).message).toBe('seq: Expected required property');
    expect(validatePersistedEnvelope({ ...message, seq: 1 }).ok).toBe(true);
    expect(errorOf(validateEnvelope({ ...message, seq: 0 })).message).toMatch(/^seq: /);
  });

  it('a schema violation names the field path', () => {
    const bad = example('command_end', { payload: { cmd: 'ls', exitCode: 1.5, durationMs: 3 } });
    expect(errorOf(validateEnvelope(bad))).toEqual({
      code: 'invalid_message',
      message: 'payload.exitCode: Expected integer',
      id: bad.id,
    });
    const badArtifact = example('result', {
      payload: { summary: 's', artifacts: [{ path: 'a' }, { path: 3 }] },
    } as never);
    expect(errorOf(validateEnvelope(badArtifact)).message).toBe('payload.artifacts[1].path: Expected string');
  });

  it('a wrong enum value lists the allowed values', () => {
    expect(errorOf(validateEnvelope(example('log', { level: 'debug' } as never))).message).toBe(
      'level: Expected one of info, warn, error',
    );
    const phase = example('status', { payload: { phase: 'paused', progress: 1 } } as never);
    expect(errorOf(validateEnvelope(phase)).message).toBe(
      'payload.phase: Expected one of starting, running, finalizing, done',
    );
  });

  it('unknown fields are refused, in the envelope and in payloads', () => {
    expect(errorOf(validateEnvelope({ ...example('log'), extra: 1 })).message).toBe(
      'extra: Unexpected property',
    );
    const payload = example('log', { payload: { text: 'x', colour: 'red' } } as never);
    expect(errorOf(validateEnvelope(payload)).message).toBe('payload.colour: Unexpected property');
    const odd = example('heartbeat', { payload: { 'a b': 1 } } as never);
    expect(errorOf(validateEnvelope(odd)).message).toBe('payload["a b"]: Unexpected property');
  });

  it('progress is bounded to 0–100 and the id must be a UUID and ts RFC 3339', () => {
    expect(validateEnvelope(example('status', { payload: { phase: 'done', progress: 101 } })).ok).toBe(false);
    expect(errorOf(validateEnvelope(example('log', { id: 'abc' }))).message).toMatch(/^id: .*uuid/);
    expect(errorOf(validateEnvelope(example('log', { ts: '2025-02-30T00:00:00Z' }))).message).toMatch(
      /^ts: /,
    );
    expect(validateEnvelope(example('log', { ts: '2025-01-31T12:00:00+02:00' })).ok).toBe(true);
  });

  it('an unknown type is named and the valid types are listed', () => {
    const error = errorOf(validateEnvelope({ ...example('log'), type: 'telemetry' }));
    expect(error.code).toBe('unknown_type');
    expect(error.message).toContain('"telemetry"');
    for (const type of MESSAGE_TYPES) expect(error.message).toContain(type);
  });

  it('a missing or non-string type is a schema violation', () => {
    const { type: _, ...untyped } = example('log');
    expect(errorOf(validateEnvelope(untyped))).toMatchObject({
      code: 'invalid_message',
      message: 'type: Expected required property',
    });
    expect(errorOf(validateEnvelope({ ...untyped, type: 3 })).message).toBe('type: Expected string');
    expect(errorOf(validateEnvelope([]))).toMatchObject({ message: '(root): Expected object' });
  });

  it('checking the type narrows the payload', () => {
    const message = example('command_end') as Envelope;
    if (message.type === 'command_end') expectTypeOf(message.payload.exitCode).toEqualTypeOf<number>();
    if (message.type === 'file_change')
      expectTypeOf(message.payload.change).toEqualTypeOf<'create' | 'update' | 'delete' | 'rename'>();
  });
});

describe('parseFrame', () => {
  it('a frame over the limit is refused with the limit and the advice to use an artifact', () => {
    const big = JSON.stringify(example('log', { payload: { text: 'x'.repeat(MAX_FRAME_BYTES) } }));
    const result = parseFrame(big);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('frame_too_large');
    expect(result.error.message).toContain(`${MAX_FRAME_BYTES}-byte limit`);
    expect(result.error.message).toContain('artifact');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const text = JSON.stringify(example('log', { payload: { text: 'é'.repeat(400) } }));
    expect(parseFrame(text, text.length + 10).ok).toBe(false);
    expect(parseFrame(text, text.length + 400).ok).toBe(true);
  });

  it('malformed JSON is reported as such', () => {
    const result = parseFrame('{"id": ');
    expect(result.ok ? undefined : result.error.code).toBe('malformed_frame');
  });
});

describe('JSON Schema export', () => {
  it('is plain JSON with one alternative per message type', () => {
    const schemas = protocolJsonSchemas();
    expect(JSON.parse(JSON.stringify(schemas))).toEqual(schemas);
    expect((schemas.envelope.anyOf as unknown[]).length).toBe(MESSAGE_TYPES.length);
    expect(schemas.payloads.command_end).toMatchObject({ required: ['cmd', 'exitCode', 'durationMs'] });
    expect(Object.keys(schemas.clientFrames)).toEqual(['hello', 'send', 'ack', 'ping']);
    expect(Object.keys(schemas.serverFrames)).toEqual([
      'ready',
      'message',
      'ack',
      'acks',
      'error',
      'resync',
      'pong',
      'heartbeat',
    ]);
  });
});
