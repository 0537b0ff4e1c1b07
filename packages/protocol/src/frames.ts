import type { TObject } from '@sinclair/typebox';
import { type Checker, lazyChecker } from './compile.ts';
import type { Envelope, PersistedEnvelope } from './envelope.ts';
import { describeValueError, failure, type ProtocolError, type Result } from './errors.ts';
import { MAX_FRAME_BYTES } from './limits.ts';
import { parseJsonText, validateEnvelope, validatePersistedEnvelope } from './validate.ts';
import {
  CLIENT_FRAME_SCHEMAS,
  type ClientAckFrame,
  type ErrorFrame,
  type HeartbeatFrame,
  type HelloFrame,
  type PingFrame,
  type PongFrame,
  PROTOCOL_VERSION,
  type ReadyFrame,
  type ResyncFrame,
  SERVER_FRAME_SCHEMAS,
  type ServerAckFrame,
  type ServerAcksFrame,
} from './wire.ts';

export type SendFrame = { op: 'send'; message: Envelope };
export type MessageFrame = { op: 'message'; message: PersistedEnvelope };
export type ClientFrame = HelloFrame | SendFrame | ClientAckFrame | PingFrame;
export type ServerFrame =
  | ReadyFrame
  | MessageFrame
  | ServerAckFrame
  | ServerAcksFrame
  | ErrorFrame
  | ResyncFrame
  | PongFrame
  | HeartbeatFrame;

type FrameCheckers = Record<string, Checker<TObject>>;
const clientCheckers: FrameCheckers = Object.fromEntries(
  Object.entries(CLIENT_FRAME_SCHEMAS).map(([op, s]) => [op, lazyChecker(s as TObject)]),
);
const serverCheckers: FrameCheckers = Object.fromEntries(
  Object.entries(SERVER_FRAME_SCHEMAS).map(([op, s]) => [op, lazyChecker(s as TObject)]),
);

function checkFrame(value: unknown, checkers: FrameCheckers): Result<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('invalid_frame', '(root): Expected object');
  }
  const op = (value as { op?: unknown }).op;
  if (typeof op !== 'string' || !Object.hasOwn(checkers, op)) {
    return failure('invalid_frame', `op: Expected one of ${Object.keys(checkers).join(', ')}`);
  }
  const checker = checkers[op];
  if (checker.check(value)) return { ok: true, value: value as Record<string, unknown> };
  const first = checker.firstError(value);
  return failure('invalid_frame', first ? describeValueError(first) : `${op}: invalid frame`);
}

/**
 * Server side: parses and validates one frame from a client. Never throws. A `send` frame's message is
 * validated per type (`unknown_type`, `invalid_message` naming e.g. `message.payload.exitCode`), and the
 * error carries the message id when readable so the error frame can name it.
 */
export function parseClientFrame(text: unknown, maxBytes: number = MAX_FRAME_BYTES): Result<ClientFrame> {
  const parsed = parseJsonText(text, maxBytes);
  if (!parsed.ok) return parsed;
  const hello = parsed.value as Partial<HelloFrame>;
  if (hello?.op === 'hello' && typeof hello.protocol === 'number' && hello.protocol !== PROTOCOL_VERSION) {
    return failure(
      'invalid_frame',
      `protocol: version ${hello.protocol} is not supported (use ${PROTOCOL_VERSION})`,
    );
  }
  const frame = checkFrame(parsed.value, clientCheckers);
  if (!frame.ok || frame.value.op !== 'send') return frame as Result<ClientFrame>;
  const message = validateEnvelope(frame.value.message, 'message');
  if (!message.ok) return message;
  if (message.value.seq !== undefined) {
    return failure('invalid_message', 'message.seq: assigned by the backend; leave it out', message.value.id);
  }
  return { ok: true, value: { op: 'send', message: message.value } };
}

/** The seq of a message frame that failed validation, so a client can still move past it. */
function readableSeq(frame: Record<string, unknown>): number | undefined {
  const seq = (frame.message as { seq?: unknown } | undefined)?.seq;
  return Number.isInteger(seq) && (seq as number) >= 1 ? (seq as number) : undefined;
}

/** Client side: parses and validates one frame from the server. Never throws; no size limit. */
export function parseServerFrame(text: unknown): Result<ServerFrame> {
  const parsed = parseJsonText(text, Number.POSITIVE_INFINITY);
  if (!parsed.ok) return parsed;
  const frame = checkFrame(parsed.value, serverCheckers);
  if (!frame.ok || frame.value.op !== 'message') return frame as Result<ServerFrame>;
  const message = validatePersistedEnvelope(frame.value.message, 'message');
  if (message.ok) return { ok: true, value: { op: 'message', message: message.value } };
  const error: ProtocolError = { ...message.error };
  const seq = readableSeq(frame.value);
  if (seq !== undefined) error.seq = seq;
  return { ok: false, error };
}

export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}
