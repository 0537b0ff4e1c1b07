import {
  CLOSE_CODES,
  type ClientFrame,
  encodeFrame,
  type HelloFrame,
  parseClientFrame,
  type ServerFrame,
} from '@rfe/protocol';
import type { WebSocket } from 'ws';
import type { MessagingMetrics } from '../metrics.ts';

/** The WebSocket payload limit (`maxPayload` in app.ts): beyond it `ws` closes the connection with 1009. */
export const WS_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

export interface FrameSocketOptions {
  maxFrameBytes: number;
  helloTimeoutMs: number;
  pingIntervalMs: number;
  metrics: MessagingMetrics;
  /** The first valid frame, a hello. Throwing closes the connection. */
  onHello: (hello: HelloFrame) => void | Promise<void>;
  /** Every later frame except pings (answered here). */
  onFrame: (frame: Exclude<ClientFrame, HelloFrame>) => void;
  onClose: () => void;
}

/**
 * One accepted session WebSocket, at the level of frames: size limit and validation (a bad frame gets
 * an error frame naming the problem and the connection carries on), the hello handshake with a
 * deadline, pong for ping, and WebSocket pings that drop a peer which stopped answering.
 */
export class FrameSocket {
  #helloDone = false;
  #helloStarted = false;
  #closed = false;
  #corked = false;
  #alive = true;
  #batchAcks = false;
  #pendingAcks: string[] = [];
  // Frames that arrive while the hello is being answered; handled right after it.
  readonly #early: { data: unknown; isBinary: boolean }[] = [];
  readonly #helloTimer: ReturnType<typeof setTimeout>;
  readonly #pingTimer: ReturnType<typeof setInterval>;

  constructor(
    readonly ws: WebSocket,
    private readonly options: FrameSocketOptions,
  ) {
    this.#helloTimer = setTimeout(
      () => this.close(CLOSE_CODES.badHello, 'no hello in time'),
      options.helloTimeoutMs,
    );
    this.#pingTimer = setInterval(() => this.#ping(), options.pingIntervalMs);
    ws.on('pong', () => {
      this.#alive = true;
    });
    ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    this.#answerOversizedFrames();
    ws.on('close', () => this.#ended());
    ws.on('error', () => this.#ended());
  }

  get open(): boolean {
    return !this.#closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Bytes queued for the peer and not yet taken by the network. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  sendFrame(frame: ServerFrame): void {
    this.sendText(encodeFrame(frame));
  }

  sendText(text: string): void {
    if (!this.open) return;
    this.#corkUntilNextTick();
    this.ws.send(text);
  }

  /**
   * An ack as text: ids are validated UUIDs, so no escaping is needed and no serialiser runs. For a
   * client whose hello said `batchAcks`, the acks of one tick (a stored chunk) leave as one `acks` frame.
   */
  sendAck(id: string, seq: number): void {
    if (!this.#batchAcks) {
      this.sendText(`{"op":"ack","id":"${id}","seq":${seq}}`);
      return;
    }
    if (this.#pendingAcks.length === 0) process.nextTick(() => this.#flushAcks());
    this.#pendingAcks.push(`{"id":"${id}","seq":${seq}}`);
  }

  #flushAcks(): void {
    const acks = this.#pendingAcks;
    this.#pendingAcks = [];
    this.sendText(`{"op":"acks","acks":[${acks.join(',')}]}`);
  }

  /**
   * Frames sent in one tick (a batch of acks, a batch of messages) leave in one write instead of one
   * system call each.
   */
  #corkUntilNextTick(): void {
    if (this.#corked) return;
    const raw = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (!raw) return;
    this.#corked = true;
    raw.cork();
    process.nextTick(() => {
      this.#corked = false;
      raw.uncork();
    });
  }

  /** A message frame from a stored line, without parsing and re-serialising it. */
  sendStoredMessage(line: string): void {
    this.sendText(`{"op":"message","message":${line}}`);
  }

  error(code: string, message: string, id?: string): void {
    this.options.metrics.framesRejected.inc({ code });
    this.sendFrame(id === undefined ? { op: 'error', code, message } : { op: 'error', code, message, id });
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#ended();
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  /** Stops reading from the peer (TCP backpressure) until `resume`. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    if (!this.#closed) this.ws.resume();
  }

  #receive(data: unknown, isBinary: boolean): void {
    if (this.#closed) return;
    if (!this.#helloDone && this.#helloStarted) {
      if (this.#early.length >= 64) this.close(CLOSE_CODES.badHello, 'too many frames before ready');
      else this.#early.push({ data, isBinary });
      return;
    }
    const parsed = parseClientFrame(isBinary ? undefined : String(data), this.options.maxFrameBytes);
    if (!this.#helloDone) {
      if (!parsed.ok || parsed.value.op !== 'hello') {
        const problem = parsed.ok ? `op: expected hello first, got ${parsed.value.op}` : parsed.error.message;
        const unsupported = !parsed.ok && parsed.error.message.startsWith('protocol:');
        this.error(
          parsed.ok ? 'invalid_frame' : unsupported ? 'unsupported_protocol' : parsed.error.code,
          problem,
        );
        this.close(CLOSE_CODES.badHello, 'expected hello');
        return;
      }
      this.#startHello(parsed.value);
      return;
    }
    if (!parsed.ok) {
      this.error(parsed.error.code, parsed.error.message, parsed.error.id);
      return;
    }
    const frame = parsed.value;
    if (frame.op === 'ping') this.sendFrame({ op: 'pong' });
    else if (frame.op === 'hello')
      this.error('invalid_frame', 'op: hello was already received on this connection');
    else this.options.onFrame(frame);
  }

  /**
   * A frame over the WebSocket's own payload limit (4 MiB, `maxPayload`) cannot be skipped: `ws` stops
   * reading and closes with 1009. Before it does, the peer gets the same `frame_too_large` error frame as
   * for a frame over MAX_FRAME_BYTES, so every oversized frame is answered alike. (ws's receiver reports
   * the error before closing; this listener runs first, while the socket is still open.)
   */
  #answerOversizedFrames(): void {
    const receiver = (this.ws as unknown as { _receiver?: NodeJS.EventEmitter })._receiver;
    receiver?.prependListener('error', (err: Error & { code?: string }) => {
      if (err.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || this.#closed) return;
      this.error(
        'frame_too_large',
        `frame is over the connection's ${WS_MAX_PAYLOAD_BYTES}-byte limit; store the content as an artifact and send a reference to it instead`,
      );
    });
  }

  #startHello(hello: HelloFrame): void {
    this.#helloStarted = true;
    this.#batchAcks = hello.batchAcks === true;
    clearTimeout(this.#helloTimer);
    Promise.resolve()
      .then(() => this.options.onHello(hello))
      .then(
        () => {
          this.#helloDone = true;
          for (const early of this.#early.splice(0)) this.#receive(early.data, early.isBinary);
        },
        () => this.close(CLOSE_CODES.badHello, 'hello refused'),
      );
  }

  #ping(): void {
    if (!this.#alive) {
      this.ws.terminate();
      this.#ended();
      return;
    }
    this.#alive = false;
    try {
      this.ws.ping();
    } catch {
      // closing
    }
  }

  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    clearInterval(this.#pingTimer);
    this.options.onClose();
  }
}
