import { type Static, type TLiteral, type TProperties, type TUnion, Type } from '@sinclair/typebox';

/** Fragment marker: a large logical payload split over several messages sharing `id`. */
export const PartialSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    index: Type.Integer({ minimum: 0 }),
    total: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type PartialMarker = Static<typeof PartialSchema>;

const Text = Type.String();
const Name = Type.String({ minLength: 1 });

// Every payload is a closed object that may also carry `partial`.
function payload<P extends TProperties>(properties: P) {
  return Type.Object(
    { ...properties, partial: Type.Optional(PartialSchema) },
    { additionalProperties: false },
  );
}

function oneOf<const V extends string[]>(values: V): TUnion<{ [K in keyof V]: TLiteral<V[K]> }> {
  return Type.Union(values.map((v) => Type.Literal(v))) as never;
}

export const ArtifactSchema = Type.Object(
  {
    /** Key relative to the session's `artifacts/` folder. */
    path: Name,
    bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    contentType: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Artifact = Static<typeof ArtifactSchema>;

export const PAYLOAD_SCHEMAS = {
  init: payload({ runnerVersion: Name, adapter: Name, repo: Name, branch: Name }),
  status: payload({
    phase: oneOf(['starting', 'running', 'finalizing', 'done']),
    progress: Type.Number({ minimum: 0, maximum: 100 }),
  }),
  log: payload({ text: Text }),
  command_start: payload({ cmd: Name, cwd: Text }),
  command_output: payload({ stream: oneOf(['stdout', 'stderr']), chunk: Text }),
  command_end: payload({ cmd: Name, exitCode: Type.Integer(), durationMs: Type.Number({ minimum: 0 }) }),
  file_change: payload({
    path: Name,
    change: oneOf(['create', 'update', 'delete', 'rename']),
    diff: Type.Optional(Text),
    /** Previous path, for `rename`. */
    oldPath: Type.Optional(Name),
  }),
  git_event: payload({
    action: oneOf(['clone', 'checkout', 'pull', 'commit', 'push']),
    repo: Name,
    branch: Name,
    /** Human-readable detail (commit sha, remote, number of submodules …). */
    details: Text,
  }),
  pr_event: payload({
    action: oneOf(['opened', 'updated', 'reopened', 'merged', 'closed']),
    repo: Name,
    number: Type.Integer({ minimum: 1 }),
    url: Name,
    base: Name,
    head: Name,
  }),
  pr_intent: payload({ repo: Name, head: Name, base: Name, title: Name, body: Text }),
  tool_event: payload({
    name: Name,
    action: oneOf(['start', 'end']),
    args: Type.Optional(Type.Unknown()),
    result: Type.Optional(Type.Unknown()),
  }),
  prompt: payload({ text: Text }),
  /**
   * What became of a `prompt` (runner → backend): `delivered` when the agent took it in, `answered` when
   * the agent's answer to it finished, `dropped` (with `reason`) when it never reached the agent. A prompt
   * with no state yet is queued.
   */
  prompt_state: payload({
    /** The `seq` of the prompt message. */
    promptSeq: Type.Integer({ minimum: 1 }),
    state: oneOf(['delivered', 'answered', 'dropped']),
    /** Why the prompt was dropped, in a sentence for the user. */
    reason: Type.Optional(Text),
  }),
  cancel: payload({ reason: Text }),
  result: payload({ summary: Text, artifacts: Type.Array(ArtifactSchema) }),
  error: payload({ code: Name, message: Text }),
  heartbeat: payload({}),
};

export type MessageType = keyof typeof PAYLOAD_SCHEMAS;
export type PayloadOf<T extends MessageType> = Static<(typeof PAYLOAD_SCHEMAS)[T]>;

export const MESSAGE_TYPES: readonly MessageType[] = Object.freeze(
  Object.keys(PAYLOAD_SCHEMAS) as MessageType[],
);

/** Input for the runner: the backend delivers these to it and redelivers until acknowledged. */
export const INPUT_MESSAGE_TYPES = ['prompt', 'cancel'] as const satisfies readonly MessageType[];

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && Object.hasOwn(PAYLOAD_SCHEMAS, value);
}
