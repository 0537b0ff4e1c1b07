import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Envelope, PersistedEnvelope } from '@rfe/protocol';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * The backend's side of the runner channel, just enough of the wire protocol to run the runner against:
 * checks the bearer token, hello → ready, ping → pong, send → store once per id and ack with its seq,
 * delivers input (`prompt`, `cancel`) as `message` frames and redelivers what the runner has not acked.
 */
export class BackendPeer {
  /** Every persisted message, runner output and input alike, in seq order. */
  readonly log: PersistedEnvelope[] = [];
  readonly connections: { socket: WebSocket; sends: Envelope[]; authorization?: string }[] = [];
  /** Return false to leave a message unacknowledged (as if persisting failed). */
  ack: (message: Envelope) => boolean = () => true;
  #runnerAcked = 0;
  #live: WebSocket | undefined;

  private constructor(
    private readonly wss: WebSocketServer,
    readonly sessionId: string,
    readonly token: string,
  ) {
    wss.on('connection', (socket, request) => this.#accept(socket, request));
  }

  static async start(sessionId: string, token = 'runner-token-for-tests'): Promise<BackendPeer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    return new BackendPeer(wss, sessionId, token);
  }

  /** Highest input seq the runner has acknowledged. */
  get runnerAcked(): number {
    return this.#runnerAcked;
  }

  get url(): string {
    const { port } = this.wss.address() as { port: number };
    return `ws://127.0.0.1:${port}/api/runner/sessions/${this.sessionId}`;
  }

  /** Runner messages of one type (or all of them), in seq order. */
  messages<T extends Envelope['type']>(type?: T): Extract<PersistedEnvelope, { type: T }>[] {
    return this.log.filter((m) => m.origin === 'runner' && (type === undefined || m.type === type)) as never;
  }

  /** Persists an input message and delivers it to the runner. */
  input(type: 'prompt' | 'cancel', payload: { text: string } | { reason: string }): void {
    const message = {
      id: crypto.randomUUID(),
      sessionId: this.sessionId,
      seq: this.log.length + 1,
      ts: new Date().toISOString(),
      level: 'info',
      origin: 'ui',
      type,
      payload,
    } as PersistedEnvelope;
    this.log.push(message);
    this.#live?.send(JSON.stringify({ op: 'message', message }));
  }

  /** Resolves once `condition` holds. */
  async until<T>(condition: () => T, timeoutMs = 20_000): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = condition();
      if (value) return value as NonNullable<T>;
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    for (const { socket } of this.connections) socket.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    const connection = { socket, sends: [] as Envelope[], authorization: request.headers.authorization };
    this.connections.push(connection);
    if (connection.authorization !== `Bearer ${this.token}`) {
      socket.close(4401, 'unauthorized');
      return;
    }
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.op === 'hello') {
        if (frame.token !== this.token) return socket.close(4401, 'unauthorized');
        socket.send(
          JSON.stringify({ op: 'ready', lastSeq: this.log.length, resumeFrom: this.#runnerAcked + 1 }),
        );
        this.#live = socket;
        for (const m of this.log) {
          if (m.origin !== 'runner' && m.seq > this.#runnerAcked)
            socket.send(JSON.stringify({ op: 'message', message: m }));
        }
      } else if (frame.op === 'ping') {
        socket.send(JSON.stringify({ op: 'pong' }));
      } else if (frame.op === 'ack') {
        this.#runnerAcked = Math.max(this.#runnerAcked, frame.seq);
      } else if (frame.op === 'send') {
        const message = frame.message as Envelope;
        connection.sends.push(message);
        if (!this.ack(message)) return;
        let stored = this.log.find((m) => m.id === message.id);
        if (!stored) {
          stored = { ...message, seq: this.log.length + 1 } as PersistedEnvelope;
          this.log.push(stored);
        }
        socket.send(JSON.stringify({ op: 'ack', id: message.id, seq: stored.seq }));
      }
    });
  }
}
