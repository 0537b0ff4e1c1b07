import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import {
  type Channel,
  type ChannelOptions,
  createChannel,
  type Envelope,
  type PersistedEnvelope,
  type ServerFrame,
} from '../../src/index.ts';

/**
 * The peer side of the wire protocol, just enough to exercise the client: hello → ready, ping → pong,
 * send → persist once per id and ack. Each test changes `policy` to misbehave.
 */
export interface Policy {
  ready: boolean;
  pong: boolean;
  /** What to do with a sent message. */
  onSend: (message: Envelope) => 'ack' | 'ignore' | 'reject';
}

export class FakeConnection {
  readonly frames: Record<string, unknown>[] = [];

  constructor(
    readonly socket: WebSocket,
    readonly url: URL,
  ) {}

  get after(): number | undefined {
    const after = this.url.searchParams.get('after');
    return after === null ? undefined : Number(after);
  }

  get sends(): Envelope[] {
    return this.frames.filter((f) => f.op === 'send').map((f) => f.message as Envelope);
  }

  push(frame: ServerFrame): void {
    this.socket.send(JSON.stringify(frame));
  }

  message(message: PersistedEnvelope): void {
    this.push({ op: 'message', message });
  }

  /** The connection vanishes without a closing handshake. */
  kill(): void {
    this.socket.terminate();
  }
}

export class FakeServer {
  readonly connections: FakeConnection[] = [];
  readonly log: PersistedEnvelope[] = [];
  policy: Policy = { ready: true, pong: true, onSend: () => 'ack' };

  private constructor(private readonly wss: WebSocketServer) {
    wss.on('connection', (socket, request) => {
      const conn = new FakeConnection(socket, new URL(request.url ?? '/', 'ws://localhost'));
      this.connections.push(conn);
      socket.on('message', (data) => this.receive(conn, JSON.parse(String(data))));
    });
  }

  static async start(): Promise<FakeServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    return new FakeServer(wss);
  }

  get url(): string {
    const { port } = this.wss.address() as { port: number };
    return `ws://127.0.0.1:${port}/api/runner/sessions/session-1`;
  }

  /** Connection number `index` (0-based), once its hello has arrived. */
  async connection(index: number): Promise<FakeConnection> {
    return eventually(() => (this.connections[index]?.frames.length ? this.connections[index] : undefined));
  }

  get last(): FakeConnection | undefined {
    return this.connections.at(-1);
  }

  async stop(): Promise<void> {
    for (const conn of this.connections) conn.socket.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
  }

  private receive(conn: FakeConnection, frame: Record<string, unknown>): void {
    conn.frames.push(frame);
    if (frame.op === 'hello' && this.policy.ready) {
      conn.push({ op: 'ready', lastSeq: this.log.length, resumeFrom: (conn.after ?? 0) + 1 });
    } else if (frame.op === 'ping' && this.policy.pong) {
      conn.push({ op: 'pong' });
    } else if (frame.op === 'send') {
      const message = frame.message as Envelope;
      const decision = this.policy.onSend(message);
      if (decision === 'reject') {
        conn.push({ op: 'error', code: 'forbidden', message: 'not allowed', id: message.id });
      } else if (decision === 'ack') {
        let stored = this.log.find((m) => m.id === message.id);
        if (!stored) {
          stored = { ...message, seq: this.log.length + 1 } as PersistedEnvelope;
          this.log.push(stored);
        }
        conn.push({ op: 'ack', id: message.id, seq: stored.seq });
      }
    }
  }
}

/** Polls until `condition` holds (or fails the test after `timeoutMs`). */
export async function eventually<T>(condition: () => T, timeoutMs = 3000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A channel to `server` with test-friendly timings. */
export function channelTo(server: { url: string }, options: Partial<ChannelOptions> = {}): Channel {
  return createChannel({
    url: server.url,
    role: 'runner',
    sessionId: 'session-1',
    WebSocketImpl: WebSocket,
    heartbeatMs: 200,
    backoff: { initialMs: 10, maxMs: 50, factor: 2, jitter: 0.5 },
    ...options,
  });
}
