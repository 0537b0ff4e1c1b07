import type { EnvelopeOf, MessageDraftOf, PersistedEnvelope } from '../envelope.ts';
import type { ProtocolError } from '../errors.ts';
import { type ClientFrame, encodeFrame, parseServerFrame } from '../frames.ts';
import { exceedsBytes, MAX_FRAME_BYTES } from '../limits.ts';
import type { MessageType } from '../payloads.ts';
import { frameTooLarge, validateEnvelope } from '../validate.ts';
import { CLOSE_CODES, type ErrorFrame, MESSAGE_REJECTION_CODES, PROTOCOL_VERSION } from '../wire.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { Emitter } from './emitter.ts';
import { newMessageId } from './ids.ts';
import { MemoryOutbox, type Outbox } from './outbox.ts';
import { ReconnectingSocket } from './reconnecting-socket.ts';
import { streamUrl } from './transport.ts';
import {
  type Channel,
  ChannelError,
  type ChannelEvents,
  type ChannelOptions,
  type ChannelStatus,
} from './types.ts';

/** Opens a session channel and keeps it connected until `close()`. */
export function createChannel(options: ChannelOptions): Channel {
  return new SessionChannel(options);
}

/**
 * The messaging half of the client: outbox and resend, seq tracking (dedupe, gaps, resume cursor),
 * in-order delivery and the runner's acknowledgements. The socket half is ReconnectingSocket.
 */
class SessionChannel implements Channel {
  readonly #o: ChannelOptions;
  readonly #outbox: Outbox;
  readonly #maxFrameBytes: number;
  readonly #events: Emitter<ChannelEvents>;
  readonly #socket: ReconnectingSocket;
  #status: ChannelStatus = 'connecting';
  #closed = false;
  #lastSeq: number;
  #ackedSeq = 0;
  /** Connection (epoch) on which the outbox has been resent; new messages may go straight out on it. */
  #flushedEpoch: number | undefined;
  // Outbox writes and sends of messages go through this chain, which keeps them in outbox order.
  #sendChain: Promise<void> = Promise.resolve();
  // Received messages are handed over one at a time, in seq order.
  #deliveries: Promise<void> = Promise.resolve();
  readonly #outboxWaiters = new Set<() => void>();

  constructor(options: ChannelOptions) {
    streamUrl(options.url, 0); // a bad URL fails here, not on every retry
    this.#o = options;
    this.#outbox = options.outbox ?? new MemoryOutbox();
    this.#maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.#lastSeq = options.after ?? 0;
    this.#events = new Emitter<ChannelEvents>((error, event) => {
      if (event === 'error') console.error(error);
      else this.#report('listener_failed', `a '${String(event)}' listener threw`, { cause: error });
    });
    if (options.onStatus) this.#events.on('status', options.onStatus);
    this.#socket = new ReconnectingSocket({
      WebSocketImpl: options.WebSocketImpl,
      url: () => streamUrl(options.url, this.#lastSeq),
      hello: async () => {
        const token = options.auth ? await options.auth() : undefined;
        return encodeFrame({
          op: 'hello',
          protocol: PROTOCOL_VERSION,
          role: options.role,
          batchAcks: true,
          ...(token ? { token } : {}),
        });
      },
      ping: encodeFrame({ op: 'ping' }),
      heartbeatMs: options.heartbeatMs ?? 15_000,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      ...(options.backoffResetMs === undefined ? {} : { backoffResetMs: options.backoffResetMs }),
      random: options.random ?? Math.random,
      onData: (data) => this.#onData(data),
      onStatus: (status, detail) => {
        this.#status = status;
        this.#events.emit('status', status, detail);
      },
      onProblem: (code, message, cause) => this.#report(code, message, { cause }),
    });
    this.#socket.start();
  }

  get status(): ChannelStatus {
    return this.#status;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  on<E extends keyof ChannelEvents>(event: E, listener: (...args: ChannelEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  async send<T extends MessageType>(draft: MessageDraftOf<T>): Promise<EnvelopeOf<T>> {
    if (this.#closed) throw new ChannelError('channel_closed', 'the channel is closed');
    const id = newMessageId();
    const valid = validateEnvelope({
      id,
      sessionId: this.#o.sessionId,
      ts: new Date().toISOString(),
      type: draft.type,
      level: draft.level ?? 'info',
      origin: this.#o.role,
      ...(draft.step === undefined ? {} : { step: draft.step }),
      payload: draft.payload,
    });
    if (!valid.ok) throw new ChannelError(valid.error.code, valid.error.message, { id });
    const text = encodeFrame({ op: 'send', message: valid.value });
    if (exceedsBytes(text, this.#maxFrameBytes)) {
      throw new ChannelError('frame_too_large', frameTooLarge(text, this.#maxFrameBytes).message, { id });
    }
    await this.#inSendChain(async () => {
      await this.#outbox.add(valid.value);
      const epoch = this.#socket.epoch;
      if (epoch !== undefined && epoch === this.#flushedEpoch) this.#socket.send(text, epoch);
    });
    return valid.value as EnvelopeOf<T>;
  }

  async drained(): Promise<void> {
    for (;;) {
      if (this.#closed) throw new ChannelError('channel_closed', 'the channel is closed');
      let wake!: () => void;
      const changed = new Promise<void>((resolve) => {
        wake = resolve;
      });
      this.#outboxWaiters.add(wake); // before looking, so an ack in between is not missed
      if ((await this.#outbox.pending()).length === 0) {
        this.#outboxWaiters.delete(wake);
        return;
      }
      await changed;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeOutboxWaiters();
    await this.#socket.close();
  }

  #onData(data: unknown): void {
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      this.#onBadFrame(parsed.error);
      return;
    }
    const frame = parsed.value;
    switch (frame.op) {
      case 'ready':
        this.#onReady();
        break;
      case 'message':
        this.#onMessage(frame.message.seq, frame.message);
        break;
      case 'ack':
        void this.#removeFromOutbox(frame.id).then(() =>
          this.#events.emit('ack', { id: frame.id, seq: frame.seq }),
        );
        break;
      case 'acks':
        for (const ack of frame.acks)
          void this.#removeFromOutbox(ack.id).then(() => this.#events.emit('ack', ack));
        break;
      case 'error':
        void this.#onServerError(frame);
        break;
      case 'resync':
        this.#lastSeq = frame.lastSeq;
        this.#events.emit('resync', frame);
        break;
      default: // pong, heartbeat: only signs of life
    }
  }

  #onReady(): void {
    this.#socket.markReady();
    if (this.#o.role === 'runner' && this.#ackedSeq > 0) this.#sendFrame({ op: 'ack', seq: this.#ackedSeq });
    // Resend everything unacknowledged, in order, before anything new goes out on this connection.
    const epoch = this.#socket.epoch;
    void this.#inSendChain(async () => {
      if (epoch === undefined || epoch !== this.#socket.epoch) return;
      const pending = await this.#outbox.pending();
      for (const message of pending) this.#socket.send(encodeFrame({ op: 'send', message }), epoch);
      this.#flushedEpoch = epoch;
    }).catch((error) => {
      this.#report('outbox_failed', 'could not read the outbox; reconnecting', { cause: error });
      if (epoch === this.#socket.epoch) this.#socket.reconnect(CLOSE_CODES.normal, 'outbox unavailable');
    });
  }

  /** `message` is undefined for a frame that failed validation: skipped, but its seq is consumed. */
  #onMessage(seq: number, message: PersistedEnvelope | undefined): void {
    const runner = this.#o.role === 'runner';
    if (seq <= this.#lastSeq) {
      // Already handled; the server may have missed the ack.
      if (runner && seq <= this.#ackedSeq) this.#sendFrame({ op: 'ack', seq: this.#ackedSeq });
      return;
    }
    // A UI reads the whole log, so seqs are contiguous; a runner only gets input, so gaps are normal there.
    if (!runner && seq > this.#lastSeq + 1) {
      const text = `expected seq ${this.#lastSeq + 1}, got ${seq}; resuming after ${this.#lastSeq}`;
      this.#report('sequence_gap', text, { seq });
      this.#socket.reconnect(CLOSE_CODES.sequenceGap, 'sequence gap');
      return;
    }
    this.#lastSeq = seq;
    this.#deliveries = this.#deliveries.then(() => this.#deliver(seq, message));
  }

  async #deliver(seq: number, message: PersistedEnvelope | undefined): Promise<void> {
    if (this.#closed) return;
    if (message) {
      this.#events.emit('message', message);
      try {
        await this.#o.onMessage?.(message);
      } catch (error) {
        // Acknowledged all the same: redelivering a message its handler rejects would loop forever.
        this.#report('handler_failed', `onMessage failed for seq ${seq}`, {
          seq,
          id: message.id,
          cause: error,
        });
      }
    }
    if (this.#o.role !== 'runner') return;
    this.#ackedSeq = Math.max(this.#ackedSeq, seq);
    if (this.#socket.ready) this.#sendFrame({ op: 'ack', seq: this.#ackedSeq });
  }

  #onBadFrame(error: ProtocolError): void {
    this.#report(error.code, `bad frame from server: ${error.message}`, { id: error.id, seq: error.seq });
    if (error.seq !== undefined) this.#onMessage(error.seq, undefined);
  }

  async #onServerError(frame: ErrorFrame): Promise<void> {
    if (frame.id !== undefined && MESSAGE_REJECTION_CODES.includes(frame.code)) {
      // Resending cannot succeed; keeping it would block the outbox forever.
      await this.#removeFromOutbox(frame.id);
    }
    this.#report(frame.code, frame.message, { id: frame.id });
  }

  #inSendChain(job: () => Promise<void>): Promise<void> {
    const run = this.#sendChain.then(job);
    this.#sendChain = run.catch(() => {});
    return run;
  }

  #sendFrame(frame: ClientFrame): void {
    this.#socket.send(encodeFrame(frame));
  }

  async #removeFromOutbox(id: string): Promise<void> {
    try {
      await this.#outbox.remove(id);
    } catch (error) {
      this.#report('outbox_failed', `could not remove ${id} from the outbox`, { id, cause: error });
    }
    this.#wakeOutboxWaiters();
  }

  #wakeOutboxWaiters(): void {
    for (const wake of this.#outboxWaiters) wake();
    this.#outboxWaiters.clear();
  }

  #report(code: string, message: string, about: { id?: string; seq?: number; cause?: unknown } = {}): void {
    this.#events.emit('error', new ChannelError(code, message, about));
  }
}
