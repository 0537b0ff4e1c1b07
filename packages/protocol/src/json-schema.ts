import type { TSchema } from '@sinclair/typebox';
import { EnvelopeSchema, PersistedEnvelopeSchema } from './envelope.ts';
import { MESSAGE_TYPES, type MessageType, PAYLOAD_SCHEMAS } from './payloads.ts';
import { CLIENT_FRAME_SCHEMAS, SERVER_FRAME_SCHEMAS } from './wire.ts';

export type JsonSchema = Record<string, unknown>;

// TypeBox schemas are JSON Schema plus symbol-keyed metadata; a JSON round trip leaves only the former.
function plain(schema: TSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema));
}

function plainAll(schemas: Record<string, TSchema>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, plain(s)]));
}

/**
 * The protocol as plain JSON Schema (draft 2020-12 compatible; formats `uuid` and `date-time`), for
 * the OpenAPI document and for tools outside TypeScript. Frames list their `message` as an object;
 * its shape is `envelope` (send) or `persistedEnvelope` (message).
 */
export function protocolJsonSchemas(): {
  envelope: JsonSchema;
  persistedEnvelope: JsonSchema;
  payloads: Record<MessageType, JsonSchema>;
  clientFrames: Record<string, JsonSchema>;
  serverFrames: Record<string, JsonSchema>;
} {
  return {
    envelope: plain(EnvelopeSchema),
    persistedEnvelope: plain(PersistedEnvelopeSchema),
    payloads: Object.fromEntries(MESSAGE_TYPES.map((t) => [t, plain(PAYLOAD_SCHEMAS[t])])) as Record<
      MessageType,
      JsonSchema
    >,
    clientFrames: plainAll(CLIENT_FRAME_SCHEMAS),
    serverFrames: plainAll(SERVER_FRAME_SCHEMAS),
  };
}
