import { type Static, type TObject, Type } from '@sinclair/typebox';
import { MESSAGE_TYPES, type MessageType, PAYLOAD_SCHEMAS, type PayloadOf } from './payloads.ts';

export const LEVELS = ['info', 'warn', 'error'] as const;
export const ORIGINS = ['runner', 'backend', 'ui'] as const;

export const LevelSchema = Type.Union(LEVELS.map((l) => Type.Literal(l)));
export const OriginSchema = Type.Union(ORIGINS.map((o) => Type.Literal(o)));
export type Level = (typeof LEVELS)[number];
export type Origin = (typeof ORIGINS)[number];

const Seq = Type.Integer({ minimum: 1 });

/** The user behind an input message. */
export const SenderSchema = Type.Object(
  {
    userId: Type.String({ minLength: 1, maxLength: 128 }),
    subject: Type.String({ minLength: 1, maxLength: 256, description: "the user's login subject" }),
  },
  { additionalProperties: false },
);
export type Sender = Static<typeof SenderSchema>;

/** Fields every message has, whatever its type. */
export const EnvelopeHeaderSchema = Type.Object({
  /** Set by the producer; the backend drops a second message with the same id. */
  id: Type.String({ format: 'uuid' }),
  sessionId: Type.String({ minLength: 1, maxLength: 128 }),
  /** Assigned by the backend when it persists the message: strictly increasing per session, no gaps. */
  seq: Type.Optional(Seq),
  ts: Type.String({ format: 'date-time' }),
  level: LevelSchema,
  origin: OriginSchema,
  step: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Who sent an input message (prompt, cancel): stamped by the backend from the caller's identity, never
   * taken from the client. Absent on runner and backend messages.
   */
  sender: Type.Optional(SenderSchema),
});
type Header = Static<typeof EnvelopeHeaderSchema>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type EnvelopeOf<T extends MessageType> = Simplify<Header & { type: T; payload: PayloadOf<T> }>;
/** Any message; discriminated on `type`, so checking `type` narrows `payload`. */
export type Envelope = { [T in MessageType]: EnvelopeOf<T> }[MessageType];
export type PersistedEnvelopeOf<T extends MessageType> = Simplify<EnvelopeOf<T> & { seq: number }>;
/** A message as stored in the session log and delivered to readers: `seq` is always present. */
export type PersistedEnvelope = { [T in MessageType]: PersistedEnvelopeOf<T> }[MessageType];

/** What a producer supplies; the client adds id, sessionId, ts and origin. */
export type MessageDraftOf<T extends MessageType> = {
  type: T;
  payload: PayloadOf<T>;
  level?: Level;
  step?: string;
};
export type MessageDraft = { [T in MessageType]: MessageDraftOf<T> }[MessageType];

function envelopeSchema(type: MessageType, persisted: boolean): TObject {
  return Type.Object(
    {
      ...EnvelopeHeaderSchema.properties,
      ...(persisted ? { seq: Seq } : {}),
      type: Type.Literal(type),
      payload: PAYLOAD_SCHEMAS[type],
    },
    { additionalProperties: false },
  );
}

function schemasByType(persisted: boolean): Record<MessageType, TObject> {
  return Object.fromEntries(MESSAGE_TYPES.map((t) => [t, envelopeSchema(t, persisted)])) as Record<
    MessageType,
    TObject
  >;
}

/** One closed object schema per message type (seq optional). */
export const ENVELOPE_SCHEMAS = schemasByType(false);
/** The same with `seq` required. */
export const PERSISTED_ENVELOPE_SCHEMAS = schemasByType(true);

export const EnvelopeSchema = Type.Union(MESSAGE_TYPES.map((t) => ENVELOPE_SCHEMAS[t]));
export const PersistedEnvelopeSchema = Type.Union(MESSAGE_TYPES.map((t) => PERSISTED_ENVELOPE_SCHEMAS[t]));
