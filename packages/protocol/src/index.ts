// Browser-safe entry point: schemas, validators, wire frames and the client. No Node-only imports.

export { type BackoffOptions, backoffCap, backoffDelay, DEFAULT_BACKOFF } from './client/backoff.ts';
export { createChannel } from './client/channel.ts';
export { newMessageId } from './client/ids.ts';
export { MemoryOutbox, type Outbox } from './client/outbox.ts';
export { type SocketLike, streamUrl, type WebSocketConstructor } from './client/transport.ts';
export {
  type Channel,
  ChannelError,
  type ChannelEvents,
  type ChannelOptions,
  type ChannelStatus,
  type StatusDetail,
  type TokenGetter,
} from './client/types.ts';
export {
  ENVELOPE_SCHEMAS,
  type Envelope,
  EnvelopeHeaderSchema,
  type EnvelopeOf,
  EnvelopeSchema,
  LEVELS,
  type Level,
  type MessageDraft,
  type MessageDraftOf,
  ORIGINS,
  type Origin,
  PERSISTED_ENVELOPE_SCHEMAS,
  type PersistedEnvelope,
  type PersistedEnvelopeOf,
  PersistedEnvelopeSchema,
  type Sender,
  SenderSchema,
} from './envelope.ts';
export { FRAME_ERROR_CODES, type FrameErrorCode, type ProtocolError, type Result } from './errors.ts';
export { isDateTime, isUuid } from './formats.ts';
export {
  type ClientFrame,
  encodeFrame,
  type MessageFrame,
  parseClientFrame,
  parseServerFrame,
  type SendFrame,
  type ServerFrame,
} from './frames.ts';
export { type JsonSchema, protocolJsonSchemas } from './json-schema.ts';
export { MAX_FRAME_BYTES, utf8ByteLength } from './limits.ts';
export {
  type Artifact,
  ArtifactSchema,
  INPUT_MESSAGE_TYPES,
  isMessageType,
  MESSAGE_TYPES,
  type MessageType,
  PAYLOAD_SCHEMAS,
  type PartialMarker,
  PartialSchema,
  type PayloadOf,
} from './payloads.ts';
export { parseFrame, validateEnvelope, validatePersistedEnvelope } from './validate.ts';
export * from './wire.ts';
