import { seeded } from '@rfe/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FRAME_ERROR_CODES,
  MESSAGE_TYPES,
  parseClientFrame,
  parseFrame,
  parseServerFrame,
  validateEnvelope,
} from '../src/index.ts';
import { example } from './support/examples.ts';

const codes: readonly string[] = FRAME_ERROR_CODES;

// `(root)`, or `payload.artifacts[0].path`, with odd keys quoted: `payload[""]`.
const name = String.raw`[A-Za-z_$][\w$]*`;
const bracket = String.raw`\[\d+\]|\["(?:[^"\\]|\\.)*"\]`;
const FIELD_PATH = new RegExp(String.raw`^(\(root\)|(${name}|${bracket})(\.${name}|${bracket})*): `);

function settles(parse: (text: string) => { ok: boolean; error?: { code: string; message: string } }) {
  return (text: string) => {
    const result = parse(text);
    if (!result.ok) {
      expect(codes).toContain(result.error?.code);
      expect(result.error?.message).toBeTypeOf('string');
    }
  };
}

// Text shaped like frames: valid examples with random values spliced in at random paths.
const mutatedMessage = fc
  .tuple(
    fc.constantFrom(...MESSAGE_TYPES),
    fc.constantFrom('id', 'sessionId', 'seq', 'ts', 'type', 'level', 'origin', 'step', 'payload', 'extra'),
    fc.constantFrom<string | undefined>(undefined, 'text', 'exitCode', 'partial', 'artifacts', 'phase'),
    fc.jsonValue(),
  )
  .map(([type, field, payloadField, value]) => {
    const message: Record<string, unknown> = { ...example(type) };
    if (payloadField) message.payload = { ...(message.payload as object), [payloadField]: value };
    else message[field] = value;
    return message;
  });

const frameText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  mutatedMessage.map((m) => JSON.stringify(m)),
  mutatedMessage.map((m) => JSON.stringify({ op: 'send', message: m })),
  mutatedMessage.map((m) => JSON.stringify({ op: 'message', message: m })),
  fc
    .record({ op: fc.constantFrom('hello', 'send', 'ack', 'ping', 'ready', 'x'), seq: fc.jsonValue() })
    .map((f) => JSON.stringify(f)),
);

const rand = seeded('parse-frame.property');

describe('parsing garbage', () => {
  it('parseFrame never throws and always answers with a known error code', () => {
    fc.assert(fc.property(frameText, settles(parseFrame)), rand.fastCheck({ numRuns: 2000 }));
  });

  it('parseFrame refuses oversize input before parsing it, whatever it contains', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 65, maxLength: 300 }), (text) => {
        const result = parseFrame(text, 64);
        expect(result.ok ? undefined : result.error.code).toBe('frame_too_large');
      }),
      rand.fastCheck(),
    );
  });

  it('the wire frame parsers never throw either', () => {
    fc.assert(fc.property(frameText, settles(parseClientFrame)), rand.fastCheck({ numRuns: 1000 }));
    fc.assert(fc.property(frameText, settles(parseServerFrame)), rand.fastCheck({ numRuns: 1000 }));
  });

  it('validateEnvelope accepts any value without throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = validateEnvelope(value);
        if (!result.ok) expect(codes).toContain(result.error.code);
      }),
      rand.fastCheck({ numRuns: 1000 }),
    );
  });

  it('a mutated message is either still valid or refused with the field named', () => {
    fc.assert(
      fc.property(mutatedMessage, (message) => {
        const result = validateEnvelope(message);
        if (!result.ok && result.error.code === 'invalid_message') {
          expect(result.error.message).toMatch(FIELD_PATH);
        }
      }),
      rand.fastCheck({ numRuns: 1000 }),
    );
  });
});
