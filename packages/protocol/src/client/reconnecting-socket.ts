import { CLOSE_CODES } from '../wire.ts';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { dropSocket, isOpen, openSocket, type SocketLike, type WebSocketConstructor } from './transport.ts';
import type { ChannelStatus, StatusDetail } from './types.ts';

export interface ReconnectingSocketOptions {
  WebSocketImpl: WebSocketConstructor;
  /** URL for the next attempt (it carries the current resume cursor). */
  url: () => string;
  /** The hello frame for a new connection; may wait for a token. */
  hello: () => Promise<string>;
  heartbeatMs: number;
  /** The ping frame, sent every heartbeat. */
  ping: string;
  backoff: BackoffOptions;
  /** Uptime after which a lost connection resets the backoff; default heartbeatMs. */
  backoffResetMs?: number;
  random: () => number;
  /** A frame received on the current connection. */
  onData: (data: unknown) => void;
  onStatus: (status: ChannelStatus, detail: StatusDetail) => void;
  onProblem: (code: string, message: string, cause?: unknown) => void;
}

interface Connection {
  socket: SocketLike;
  epoch: number;
  readyAt: number;
  lastReceived: number;
  pingTimer?: ReturnType<typeof setInterval>;
  liveTimer?: ReturnType<typeof setTimeout>;
  ended: Promise<void>;
  /** Node's `ws` only: the TCP socket is corked until the end of this tick. */
  corked?: boolean;
}

/** The TCP socket under a Node `ws` WebSocket (browsers have none and batch writes themselves). */
type Corkable = { cork(): void; uncork(): void };
const nextTick: ((callback: () => void) => void) | undefined = (
  globalThis as { process?: { nextTick?: (callback: () => void) => void } }
).process?.nextTick;

/**
 * Keeps one socket to the server: opens it, says hello, pings, takes a silent peer for dead after
 * 2.5 heartbeats, and reconnects with exponential backoff and jitter until closed. It knows nothing of
 * messages; the channel tells it when the server said `ready`.
 */
export class ReconnectingSocket {
  readonly #o: ReconnectingSocketOptions;
  #conn: Connection | undefined;
  #epoch = 0;
  #attempt = 0;
  #closed = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ReconnectingSocketOptions) {
    this.#o = options;
  }

  /** Identifies the current connection, so work started on one is not finished on the next. */
  get epoch(): number | undefined {
    return this.#conn?.epoch;
  }

  get ready(): boolean {
    return (this.#conn?.readyAt ?? 0) > 0;
  }

  start(): void {
    this.#o.onStatus('connecting', { attempt: 0 });
    this.#connect();
  }

  markReady(): void {
    if (!this.#conn) return;
    this.#conn.readyAt = Date.now();
    this.#o.onStatus('open', { attempt: this.#attempt });
  }

  /** Sends on the current connection if it is open (and is `epoch`, when given); false when not sent. */
  send(text: string, epoch?: number): boolean {
    const conn = this.#conn;
    if (!conn || (epoch !== undefined && conn.epoch !== epoch) || !isOpen(conn.socket)) return false;
    try {
      corkUntilNextTick(conn);
      conn.socket.send(text);
      return true;
    } catch {
      return false; // the close event follows and triggers the reconnect
    }
  }

  /** Ends the current connection without waiting for the peer, then reconnects. */
  reconnect(code: number, reason: string): void {
    const conn = this.#conn;
    if (!conn) return;
    dropSocket(conn.socket, code, reason);
    this.#lost(conn, reason);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    const conn = this.#conn;
    this.#conn = undefined;
    this.#o.onStatus('closed', { attempt: this.#attempt });
    if (!conn) return;
    this.#stopTimers(conn);
    try {
      conn.socket.close(CLOSE_CODES.normal, 'client closed');
    } catch {
      // not open yet
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), 1000);
    });
    if (await Promise.race([conn.ended.then(() => false), gaveUp])) dropSocket(conn.socket, 1000, 'closed');
    clearTimeout(timer);
  }

  #connect(): void {
    this.#reconnectTimer = undefined;
    let conn: Connection | undefined;
    let ended!: () => void;
    const endedPromise = new Promise<void>((resolve) => {
      ended = resolve;
    });
    let socket: SocketLike;
    try {
      socket = openSocket(this.#o.WebSocketImpl, this.#o.url(), {
        open: () => {
          if (conn) void this.#hello(conn);
        },
        message: (data) => {
          if (conn !== this.#conn || !conn) return;
          conn.lastReceived = Date.now();
          this.#o.onData(data);
        },
        closed: (code, reason) => {
          ended();
          if (conn) this.#lost(conn, `closed with ${code}${reason ? ` (${reason})` : ''}`);
        },
      });
    } catch (error) {
      this.#o.onProblem('connect_failed', 'could not open the WebSocket', error);
      this.#scheduleReconnect('could not open the WebSocket');
      return;
    }
    conn = { socket, epoch: ++this.#epoch, readyAt: 0, lastReceived: Date.now(), ended: endedPromise };
    this.#conn = conn;
    this.#watchLiveness(conn);
  }

  async #hello(conn: Connection): Promise<void> {
    let hello: string;
    try {
      hello = await this.#o.hello();
    } catch (error) {
      this.#o.onProblem('auth_failed', 'could not get a token', error);
      if (conn === this.#conn) this.reconnect(CLOSE_CODES.normal, 'no token');
      return;
    }
    if (conn !== this.#conn) return;
    this.send(hello);
    conn.pingTimer = setInterval(() => this.send(this.#o.ping, conn.epoch), this.#o.heartbeatMs);
  }

  /** Any frame is a sign of life; the check reschedules itself instead of resetting a timer per frame. */
  #watchLiveness(conn: Connection): void {
    const limit = this.#o.heartbeatMs * 2.5;
    const check = () => {
      if (conn !== this.#conn) return;
      const idle = Date.now() - conn.lastReceived;
      if (idle < limit) {
        conn.liveTimer = setTimeout(check, limit - idle);
        return;
      }
      this.#o.onProblem('heartbeat_timeout', `nothing received for ${idle} ms; reconnecting`);
      this.reconnect(CLOSE_CODES.heartbeatTimeout, 'heartbeat timeout');
    };
    conn.liveTimer = setTimeout(check, limit);
  }

  #lost(conn: Connection, reason: string): void {
    if (conn !== this.#conn) return;
    this.#conn = undefined;
    this.#stopTimers(conn);
    if (this.#closed) return;
    // Only a connection that stayed up for a heartbeat (backoffResetMs) resets the backoff, so a flapping
    // server is not hammered.
    const resetAfter = this.#o.backoffResetMs ?? this.#o.heartbeatMs;
    if (conn.readyAt > 0 && Date.now() - conn.readyAt >= resetAfter) this.#attempt = 0;
    this.#scheduleReconnect(reason);
  }

  #scheduleReconnect(reason: string): void {
    const delay = backoffDelay(this.#attempt, this.#o.backoff, this.#o.random);
    this.#attempt++;
    this.#o.onStatus('reconnecting', { attempt: this.#attempt, retryInMs: delay, reason });
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #stopTimers(conn: Connection): void {
    clearInterval(conn.pingTimer);
    clearTimeout(conn.liveTimer);
  }
}

/**
 * Frames sent in one tick (a producer's burst, an outbox resent after a reconnect) leave in one write
 * instead of one system call and one TCP segment each — which also spares the server a read per frame.
 */
function corkUntilNextTick(conn: Connection): void {
  if (conn.corked || !nextTick) return;
  const raw = (conn.socket as unknown as { _socket?: Partial<Corkable> })._socket;
  if (typeof raw?.cork !== 'function' || typeof raw.uncork !== 'function') return;
  const socket = raw as Corkable;
  conn.corked = true;
  socket.cork();
  nextTick(() => {
    conn.corked = false;
    socket.uncork();
  });
}
