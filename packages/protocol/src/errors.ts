import type { ValueError } from '@sinclair/typebox/errors';

/**
 * Codes for a frame or message that cannot be accepted. The first four come from parsing;
 * a peer answers each with an `error` frame and keeps the connection.
 */
export const FRAME_ERROR_CODES = [
  'frame_too_large',
  'malformed_frame',
  'invalid_frame',
  'unknown_type',
  'invalid_message',
] as const;
export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[number];

/** An error as a value: what parse and validate functions return instead of throwing. */
export interface ProtocolError<C extends string = FrameErrorCode> {
  code: C;
  message: string;
  /** Id of the offending message when it could be read, so its producer can drop it. */
  id?: string;
  /** Seq of the offending message when it could be read (a message frame from the server). */
  seq?: number;
}

export type Result<T, C extends string = FrameErrorCode> =
  | { ok: true; value: T }
  | { ok: false; error: ProtocolError<C> };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `/payload/artifacts/0/path` → `payload.artifacts[0].path`; odd keys are quoted: `payload["a b"]`. */
export function fieldPath(pointer: string, prefix = ''): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  let out = prefix;
  for (const part of parts) {
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (!IDENTIFIER.test(part)) out += `[${JSON.stringify(part)}]`;
    else out += out ? `.${part}` : part;
  }
  return out || '(root)';
}

function literalChoices(error: ValueError): string[] | undefined {
  const anyOf = (error.schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (!anyOf?.every((s) => typeof s.const === 'string')) return undefined;
  return anyOf.map((s) => s.const as string);
}

/** One line naming the field and what was expected, e.g. `payload.exitCode: Expected integer`. */
export function describeValueError(error: ValueError, prefix = ''): string {
  const choices = literalChoices(error);
  const expected = choices ? `Expected one of ${choices.join(', ')}` : error.message;
  return `${fieldPath(error.path, prefix)}: ${expected}`;
}

export function failure<C extends string>(
  code: C,
  message: string,
  id?: string,
): { ok: false; error: ProtocolError<C> } {
  return { ok: false, error: id === undefined ? { code, message } : { code, message, id } };
}

export function invalid(message: string, id?: string): { ok: false; error: ProtocolError } {
  return failure('invalid_message', message, id);
}
