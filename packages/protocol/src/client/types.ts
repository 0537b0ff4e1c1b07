import type { EnvelopeOf, MessageDraftOf, PersistedEnvelope } from '../envelope.ts';
import type { MessageType } from '../payloads.ts';
import type { ResyncFrame, Role } from '../wire.ts';
import type { BackoffOptions } from './backoff.ts';
import type { Outbox } from './outbox.ts';
import type { WebSocketConstructor } from './transport.ts';

/** `connecting` (first attempt), `open` (server said ready), `reconnecting` (lost, retrying), `closed`. */
export type ChannelStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StatusDetail {
  /** Consecutive attempts that have not yet led to a stable connection. */
  attempt: number;
  /** With `reconnecting`: when the next attempt starts. */
  retryInMs?: number;
  /** With `reconnecting`: why the connection ended. */
  reason?: string;
}

/** Returns the bearer token for the next connection attempt (called on every attempt). */
export type TokenGetter = () => string | Promise<string>;

export interface ChannelOptions {
  /** ws(s):// or http(s):// URL of the session stream; the client adds `after`. */
  url: string;
  role: Role;
  sessionId: string;
  /** `WebSocket` in a browser, `WebSocket` from `ws` in Node. */
  WebSocketImpl: WebSocketConstructor;
  /** Token sent in `hello`. Leave out where a cookie authenticates (the UI). */
  auth?: TokenGetter;
  /** Default: a MemoryOutbox. A runner passes its file-backed one. */
  outbox?: Outbox;
  /** Resume cursor: the last seq already seen. Default 0. */
  after?: number;
  /** Ping interval; the peer counts as dead after 2.5 × this without any frame. Default 15 000. */
  heartbeatMs?: number;
  backoff?: Partial<BackoffOptions>;
  /**
   * How long a connection must have been ready for the next loss to start the backoff from its first step
   * again. Default: one heartbeat (a flapping server is not hammered). A runner draining its outbox uses 0.
   */
  backoffResetMs?: number;
  /** Outgoing frames larger than this are refused locally. Default MAX_FRAME_BYTES. */
  maxFrameBytes?: number;
  /**
   * Receives each new message once, in seq order, one at a time. A runner acknowledges the message when
   * this resolves, so resolve once the message is safely taken over (queued), not when the work is done.
   */
  onMessage?: (message: PersistedEnvelope) => void | Promise<void>;
  onStatus?: (status: ChannelStatus, detail: StatusDetail) => void;
  /** Source of randomness for jitter (tests). */
  random?: () => number;
}

export type ChannelEvents = {
  message: [message: PersistedEnvelope];
  status: [status: ChannelStatus, detail: StatusDetail];
  /** The server could not serve the cursor; the stream continues after `frame.lastSeq`. */
  resync: [frame: ResyncFrame];
  /** Something went wrong that the channel handles by itself; for logs and UI notices. */
  error: [error: ChannelError];
  /** The server persisted (or already had) message `id` as `seq`. */
  ack: [ack: { id: string; seq: number }];
};

export interface Channel {
  readonly status: ChannelStatus;
  /** Last seq received. */
  readonly lastSeq: number;
  /**
   * Fills in id, sessionId, ts, origin (the role) and level (`info`), validates, stores the message in the
   * outbox and sends it when connected. Resolves once it is in the outbox; it stays there until the
   * server acknowledges it. Rejects with a ChannelError (`invalid_message`, `frame_too_large`,
   * `channel_closed`) without storing anything.
   */
  send<T extends MessageType>(draft: MessageDraftOf<T>): Promise<EnvelopeOf<T>>;
  on<E extends keyof ChannelEvents>(event: E, listener: (...args: ChannelEvents[E]) => void): () => void;
  /** Resolves when the outbox is empty (everything sent has been acknowledged). */
  drained(): Promise<void>;
  /** Stops reconnecting and closes the socket. Unacknowledged messages stay in the outbox. */
  close(): Promise<void>;
}

/**
 * Codes: from the server's error frames (with `id` when about one message), and from the client:
 * `channel_closed`, `invalid_message`, `frame_too_large`, `sequence_gap`, `heartbeat_timeout`,
 * `auth_failed`, `outbox_failed`, `handler_failed`, `listener_failed`, or a parse code for a bad
 * server frame.
 */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  readonly id?: string;
  readonly seq?: number;

  constructor(
    readonly code: string,
    message: string,
    about: { id?: string; seq?: number; cause?: unknown } = {},
  ) {
    super(message, about.cause === undefined ? undefined : { cause: about.cause });
    if (about.id !== undefined) this.id = about.id;
    if (about.seq !== undefined) this.seq = about.seq;
  }
}
