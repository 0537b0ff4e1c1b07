import {
  type Channel,
  type ChannelOptions,
  createChannel,
  type PersistedEnvelope,
  type ResyncFrame,
  type WebSocketConstructor,
} from '@rfe/protocol';
import { WebSocket } from 'ws';

/**
 * `ws` with fixed request headers. The server authorises a WebSocket at the upgrade (bearer header or
 * cookie), while the protocol client only passes a URL to its WebSocket constructor.
 */
export function socketWithHeaders(headers: Record<string, string>): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { headers });
    }
  } as unknown as WebSocketConstructor;
}

const FAST = { heartbeatMs: 1000, backoff: { initialMs: 20, maxMs: 300, factor: 2, jitter: 0.5 } };

export function runnerChannel(
  url: string,
  sessionId: string,
  token: string,
  options: Partial<ChannelOptions> = {},
): Channel {
  return createChannel({
    url,
    role: 'runner',
    sessionId,
    WebSocketImpl: socketWithHeaders({ authorization: `Bearer ${token}` }),
    ...FAST,
    ...options,
  });
}

/** A UI client that records everything it receives. */
export interface RecordingUi {
  channel: Channel;
  received: PersistedEnvelope[];
  resyncs: ResyncFrame[];
  errors: string[];
  /** Resolves once the last received seq is at least `seq`. */
  until(seq: number, timeoutMs?: number): Promise<void>;
}

export function uiChannel(
  url: string,
  sessionId: string,
  headers: Record<string, string>,
  options: Partial<ChannelOptions> = {},
): RecordingUi {
  const received: PersistedEnvelope[] = [];
  const resyncs: ResyncFrame[] = [];
  const errors: string[] = [];
  const channel = createChannel({
    url,
    role: 'ui',
    sessionId,
    WebSocketImpl: socketWithHeaders(headers),
    ...FAST,
    ...options,
  });
  channel.on('message', (m) => received.push(m));
  channel.on('resync', (f) => resyncs.push(f));
  channel.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
  return {
    channel,
    received,
    resyncs,
    errors,
    until: (seq, timeoutMs = 30_000) =>
      waitFor(
        () => channel.lastSeq >= seq,
        timeoutMs,
        () => `ui at ${channel.lastSeq}, want ${seq}`,
      ),
  };
}

export async function waitFor(
  condition: () => boolean,
  timeoutMs = 10_000,
  describe = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A bare WebSocket speaking frames by hand, to send what the client library never would. */
export async function rawSocket(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(url, { headers });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    send: (frame: unknown) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    acks: () => frames.filter((x) => x.op === 'ack') as { id: string; seq: number }[],
  };
}
