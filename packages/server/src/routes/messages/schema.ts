import { INPUT_MESSAGE_TYPES, LEVELS, PERSISTED_ENVELOPE_SCHEMAS } from '@rfe/protocol';
import { type Static, Type } from '@sinclair/typebox';

const Seq = Type.Integer({ minimum: 1 });

/** A message as stored in a session log (SPEC §5); `seq` is assigned by the backend. */
export const PersistedMessage = Type.Union(Object.values(PERSISTED_ENVELOPE_SCHEMAS), {
  $id: 'PersistedMessage',
  description: 'A persisted session message: the envelope of SPEC §5 with its seq',
});

export const RunnerSessionParams = Type.Object(
  { s: Type.String({ minLength: 1, maxLength: 128, description: 'session id' }) },
  { additionalProperties: false },
);

export const MessagePageQuery = Type.Object(
  {
    after: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 0,
        description: 'Return messages with seq greater than this (a cursor)',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

export const MessagePage = Type.Object({
  items: Type.Array(Type.Ref('PersistedMessage')),
  nextAfter: Type.Integer({ minimum: 0, description: 'Cursor for the next page: the seq of the last item' }),
  lastSeq: Type.Integer({ minimum: 0, description: 'The last seq in the log when this page was read' }),
});

export const StreamQuery = Type.Object(
  {
    after: Type.Optional(
      Type.Integer({
        description: 'Last seq already received; a cursor the server cannot serve gets a resync frame',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Input for the runner. The payload is checked per type by the protocol's validator, which names the
 * field at fault (`payload.text: …`).
 */
export const InputMessageBody = Type.Object(
  {
    id: Type.Optional(
      Type.String({ format: 'uuid', description: 'Your id for this message; sending it again is a no-op' }),
    ),
    type: Type.Union(
      INPUT_MESSAGE_TYPES.map((t) => Type.Literal(t)),
      { description: 'prompt: { text }; cancel: { reason }' },
    ),
    payload: Type.Object({}, { additionalProperties: true }),
    level: Type.Optional(Type.Union(LEVELS.map((l) => Type.Literal(l)))),
    step: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type InputMessageBody = Static<typeof InputMessageBody>;

export { Seq };
