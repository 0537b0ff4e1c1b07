import { type Static, Type } from '@sinclair/typebox';

/**
 * Frames on the session WebSocket besides messages. Every WebSocket text frame is one JSON object
 * with an `op`. See packages/protocol/README.md for the conversation and its guarantees.
 *
 * The resume cursor is not in a frame: it is the `after` query parameter of the URL
 * (see client/transport.ts), as in the API surface `…/stream?after={seq}`.
 */
export const PROTOCOL_VERSION = 1;

export const ROLES = ['runner', 'ui'] as const;
export type Role = (typeof ROLES)[number];

const Seq = Type.Integer({ minimum: 1 });
const Cursor = Type.Integer({ minimum: 0 });
const Closed = { additionalProperties: false } as const;

// The envelope inside `send` and `message` frames is validated separately (per message type, for
// precise errors), so the frame schemas only require an object there.
const MessageSlot = Type.Object({}, { additionalProperties: true });

// client → server

/** First frame from the client. UI clients authenticate with the session cookie and send no token. */
export const HelloFrameSchema = Type.Object(
  {
    op: Type.Literal('hello'),
    protocol: Type.Literal(PROTOCOL_VERSION),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    token: Type.Optional(Type.String({ minLength: 1 })),
    /** The client understands `acks` frames: the server may acknowledge a stored batch in one frame. */
    batchAcks: Type.Optional(Type.Boolean()),
  },
  Closed,
);
/** A message from a producer (runner output, UI input) without `seq`. */
export const SendFrameSchema = Type.Object({ op: Type.Literal('send'), message: MessageSlot }, Closed);
/** Runner only: every delivered message with seq ≤ `seq` has been handled (cumulative). */
export const ClientAckFrameSchema = Type.Object({ op: Type.Literal('ack'), seq: Seq }, Closed);
export const PingFrameSchema = Type.Object({ op: Type.Literal('ping') }, Closed);

export const CLIENT_FRAME_SCHEMAS = {
  hello: HelloFrameSchema,
  send: SendFrameSchema,
  ack: ClientAckFrameSchema,
  ping: PingFrameSchema,
};

// server → client

/** Hello accepted. `lastSeq`: last seq in the log now; `resumeFrom`: first seq this connection delivers. */
export const ReadyFrameSchema = Type.Object(
  { op: Type.Literal('ready'), lastSeq: Cursor, resumeFrom: Seq },
  Closed,
);
export const MessageFrameSchema = Type.Object({ op: Type.Literal('message'), message: MessageSlot }, Closed);
/** The message `id` is persisted as `seq` (also sent for duplicates); the producer drops it from its outbox. */
export const ServerAckFrameSchema = Type.Object(
  { op: Type.Literal('ack'), id: Type.String({ minLength: 1 }), seq: Seq },
  Closed,
);
/** Several `ack`s in one frame, in order (only to clients whose hello said `batchAcks`). */
export const ServerAcksFrameSchema = Type.Object(
  {
    op: Type.Literal('acks'),
    acks: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), seq: Seq }, Closed), { minItems: 1 }),
  },
  Closed,
);
/** Something was refused. With `id`, it is that message; without, the frame or the connection. */
export const ErrorFrameSchema = Type.Object(
  {
    op: Type.Literal('error'),
    code: Type.String({ minLength: 1 }),
    message: Type.String(),
    id: Type.Optional(Type.String()),
  },
  Closed,
);
/**
 * Sent right after `ready` when the cursor cannot be served (`reason`: `cursor_ahead` when after > lastSeq,
 * `invalid_cursor` when after < 0). The server continues from `lastSeq + 1`; anything the client still
 * wants from `earliestSeq` to `lastSeq` it reads from the history endpoint.
 */
export const ResyncFrameSchema = Type.Object(
  {
    op: Type.Literal('resync'),
    reason: Type.String({ minLength: 1 }),
    lastSeq: Cursor,
    earliestSeq: Seq,
  },
  Closed,
);
export const PongFrameSchema = Type.Object({ op: Type.Literal('pong') }, Closed);
export const HeartbeatFrameSchema = Type.Object({ op: Type.Literal('heartbeat') }, Closed);

export const SERVER_FRAME_SCHEMAS = {
  ready: ReadyFrameSchema,
  message: MessageFrameSchema,
  ack: ServerAckFrameSchema,
  acks: ServerAcksFrameSchema,
  error: ErrorFrameSchema,
  resync: ResyncFrameSchema,
  pong: PongFrameSchema,
  heartbeat: HeartbeatFrameSchema,
};

export type HelloFrame = Static<typeof HelloFrameSchema>;
export type ClientAckFrame = Static<typeof ClientAckFrameSchema>;
export type PingFrame = Static<typeof PingFrameSchema>;
export type ReadyFrame = Static<typeof ReadyFrameSchema>;
export type ServerAckFrame = Static<typeof ServerAckFrameSchema>;
export type ServerAcksFrame = Static<typeof ServerAcksFrameSchema>;
export type ErrorFrame = Static<typeof ErrorFrameSchema>;
export type ResyncFrame = Static<typeof ResyncFrameSchema>;
export type PongFrame = Static<typeof PongFrameSchema>;
export type HeartbeatFrame = Static<typeof HeartbeatFrameSchema>;

/** Error codes a server sends in `error` frames (clients must tolerate others). */
export const WIRE_ERROR_CODES = [
  'frame_too_large',
  'malformed_frame',
  'invalid_frame',
  'unknown_type',
  'invalid_message',
  'unsupported_protocol',
  'unauthorized',
  'forbidden',
  'session_closed',
  'storage_unavailable',
  'internal',
] as const;
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

/**
 * Codes that reject one message for good: resending it cannot succeed, so its producer drops it
 * from the outbox and reports it. Other codes (storage_unavailable …) leave it to be resent.
 */
export const MESSAGE_REJECTION_CODES: readonly string[] = [
  'frame_too_large',
  'malformed_frame',
  'unknown_type',
  'invalid_message',
  'forbidden',
  'session_closed',
];

/** Close codes (4000–4999 is the application range browsers allow). */
export const CLOSE_CODES = {
  normal: 1000,
  /** Client: nothing received for 2.5 × heartbeat. */
  heartbeatTimeout: 4000,
  /** Client: a seq gap, reconnecting from the last seq seen. */
  sequenceGap: 4001,
  /** Server: no valid hello in time, or the protocol version is not supported. */
  badHello: 4400,
  /** Server: token or cookie missing or not valid for this session. */
  unauthorized: 4401,
  /** Server: authenticated but not allowed (role mismatch, viewer sending input). */
  forbidden: 4403,
} as const;
