import {
  type Channel,
  type ChannelOptions,
  createChannel,
  type Outbox,
  type PersistedEnvelope,
  type WebSocketConstructor,
} from '@rfe/protocol';
import { WebSocket } from 'ws';
import type { RunnerLog } from '../runner-log.ts';
import type { RunnerSettings } from '../settings.ts';

/**
 * A `ws` WebSocket that presents the session-scoped runner token as `Authorization: Bearer` on the
 * upgrade request (the token is also in `hello`). The token is read on every attempt.
 */
export function bearerWebSocket(token: () => string): WebSocketConstructor {
  class BearerWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { authorization: `Bearer ${token()}` } });
    }
  }
  return BearerWebSocket as unknown as WebSocketConstructor;
}

/**
 * Reconnects come quickly and stay quick: at most 3 s apart, the backoff starting over after every
 * successful connection, so a runner with messages to deliver never sits out a long backoff while the
 * backend is reachable (a cut every few hundred ms still delivers).
 */
export const RUNNER_BACKOFF = { initialMs: 100, maxMs: 3000, factor: 2, jitter: 0.5 } as const;

export interface ChannelDependencies {
  outbox: Outbox;
  onMessage: (message: PersistedEnvelope) => void;
  log: RunnerLog;
  /** Overrides for tests (backoff, WebSocket implementation). */
  options?: Partial<ChannelOptions>;
}

/** Opens the runner's channel: file outbox, heartbeats, reconnects; problems go to the runner log. */
export function connectChannel(settings: RunnerSettings, deps: ChannelDependencies): Channel {
  const channel = createChannel({
    url: settings.backendUrl,
    role: 'runner',
    sessionId: settings.sessionId,
    WebSocketImpl: bearerWebSocket(settings.runnerToken),
    auth: settings.runnerToken,
    outbox: deps.outbox,
    heartbeatMs: settings.heartbeatMs,
    backoff: RUNNER_BACKOFF,
    backoffResetMs: 0,
    onMessage: deps.onMessage,
    ...deps.options,
  });
  channel.on('error', (error) => deps.log.warn(`channel: ${error.code}: ${error.message}`));
  channel.on('status', (status, detail) => {
    const why = detail.reason ? ` (${detail.reason}; retry in ${detail.retryInMs} ms)` : '';
    deps.log.info(`channel ${status}${why}`);
  });
  return channel;
}

/** Waits until the backend acknowledged everything sent, or `timeoutMs`; true when drained. */
export async function drainWithin(channel: Channel, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      channel.drained().then(
        () => true,
        () => false,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
