import type { TObject } from '@sinclair/typebox';
import { type Checker, lazyChecker } from './compile.ts';
import {
  ENVELOPE_SCHEMAS,
  type Envelope,
  PERSISTED_ENVELOPE_SCHEMAS,
  type PersistedEnvelope,
} from './envelope.ts';
import {
  describeValueError,
  failure,
  fieldPath,
  invalid,
  type ProtocolError,
  type Result,
} from './errors.ts';
import { exceedsBytes, MAX_FRAME_BYTES, utf8ByteLength } from './limits.ts';
import { isMessageType, MESSAGE_TYPES, type MessageType } from './payloads.ts';

type Checkers = Record<MessageType, Checker<TObject>>;

function checkersFor(schemas: Record<MessageType, TObject>): Checkers {
  return Object.fromEntries(MESSAGE_TYPES.map((t) => [t, lazyChecker(schemas[t])])) as Checkers;
}

const envelopeCheckers = checkersFor(ENVELOPE_SCHEMAS);
const persistedCheckers = checkersFor(PERSISTED_ENVELOPE_SCHEMAS);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

function check<T>(value: unknown, checkers: Checkers, prefix: string): Result<T> {
  if (!isObject(value)) return invalid(`${prefix || '(root)'}: Expected object`);
  const type = value.type;
  // The valid path first and allocation-free: this runs for every message, both ways.
  if (typeof type === 'string' && isMessageType(type) && checkers[type].check(value))
    return { ok: true, value: value as T };
  const id = typeof value.id === 'string' ? value.id : undefined;
  const typePath = fieldPath('/type', prefix);
  if (typeof type !== 'string') {
    const problem = type === undefined ? 'Expected required property' : 'Expected string';
    return invalid(`${typePath}: ${problem}`, id);
  }
  if (!isMessageType(type)) {
    const valid = MESSAGE_TYPES.join(', ');
    return failure(
      'unknown_type',
      `${typePath}: unknown message type ${quote(type)}; valid types: ${valid}`,
      id,
    );
  }
  const checker = checkers[type];
  const first = checker.firstError(value);
  return invalid(first ? describeValueError(first, prefix) : `${prefix || '(root)'}: invalid`, id);
}

/** Validates a message whose `seq` may be absent (as sent by a producer). */
export function validateEnvelope(value: unknown, prefix = ''): Result<Envelope> {
  return check<Envelope>(value, envelopeCheckers, prefix);
}

/** Validates a message read from the log or received from the backend: `seq` is required. */
export function validatePersistedEnvelope(value: unknown, prefix = ''): Result<PersistedEnvelope> {
  return check<PersistedEnvelope>(value, persistedCheckers, prefix);
}

// Best effort: the producer's id near the start of an oversize frame, so it can drop that message.
const LEADING_ID = /"id"\s*:\s*"([0-9a-fA-F-]{36})"/;

export function frameTooLarge(text: string, maxBytes: number): ProtocolError {
  const error: ProtocolError = {
    code: 'frame_too_large',
    message:
      `frame is ${utf8ByteLength(text)} bytes, over the ${maxBytes}-byte limit; ` +
      'store the content as an artifact and send a reference to it instead',
  };
  const id = LEADING_ID.exec(text.slice(0, 512))?.[1];
  if (id) error.id = id;
  return error;
}

/** Parses JSON text, never throwing: the value, or `malformed_frame` / `frame_too_large`. */
export function parseJsonText(text: unknown, maxBytes: number): Result<unknown> {
  if (typeof text !== 'string') {
    return { ok: false, error: { code: 'malformed_frame', message: 'expected a text frame' } };
  }
  if (exceedsBytes(text, maxBytes)) return { ok: false, error: frameTooLarge(text, maxBytes) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'malformed_frame', message: `malformed JSON: ${reason}` } };
  }
}

/**
 * Parses one message from JSON text (a log line, a request body) and validates it. Never throws;
 * the error code says which of size, JSON, type or schema was wrong.
 */
export function parseFrame(text: string, maxBytes: number = MAX_FRAME_BYTES): Result<Envelope> {
  const parsed = parseJsonText(text, maxBytes);
  return parsed.ok ? validateEnvelope(parsed.value) : parsed;
}
