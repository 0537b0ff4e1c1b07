import { randomUUID } from 'node:crypto';
import { createChannel } from '@rfe/protocol';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { socketWithHeaders } from '../../../packages/server/test/support/messaging/clients.ts';
import type { SessionFixture } from '../../../packages/server/test/support/messaging/session-fixture.ts';
import { preciseNow } from './stats.ts';

/** One session's runner and UI client: the runner sends, the UI counts arrivals and their latency. */
export interface Pair {
  send(text: string): void;
  readonly received: number;
  readonly latencies: number[];
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface System {
  name: string;
  open(session: number): Pair;
}

function recorder() {
  const state = { received: 0, latencies: [] as number[] };
  const arrived = (text: string) => {
    state.received++;
    state.latencies.push(preciseNow() - Number.parseFloat(text));
  };
  return { state, arrived };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

/** The same envelope our runner sends, for the reference systems. */
function envelope(sessionId: string, text: string) {
  return {
    id: randomUUID(),
    sessionId,
    ts: new Date().toISOString(),
    type: 'log',
    level: 'info',
    origin: 'runner',
    payload: { text },
  };
}

/** Ours: the protocol client library on both sides, runner token and bob's API token. */
export function ourSystem(
  name: string,
  sessions: SessionFixture[],
  uiHeaders: Record<string, string>,
): System {
  return {
    name,
    open(index) {
      const f = sessions[index];
      const { state, arrived } = recorder();
      const runner = createChannel({
        url: f.runnerUrl,
        role: 'runner',
        sessionId: f.sessionId,
        WebSocketImpl: socketWithHeaders({ authorization: `Bearer ${f.runnerToken}` }),
      });
      const ui = createChannel({
        url: f.streamUrl,
        role: 'ui',
        sessionId: f.sessionId,
        WebSocketImpl: socketWithHeaders(uiHeaders),
      });
      ui.on('message', (m) => arrived((m.payload as { text: string }).text));
      return {
        send: (text) => void runner.send({ type: 'log', payload: { text } }),
        get received() {
          return state.received;
        },
        latencies: state.latencies,
        ready: () => until(() => runner.status === 'open' && ui.status === 'open'),
        close: async () => {
          await Promise.all([runner.close(), ui.close()]);
        },
      };
    },
  };
}

export function rawWsSystem(port: number): System {
  return {
    name: 'raw ws relay (no storage)',
    open(index) {
      const { state, arrived } = recorder();
      const base = `ws://127.0.0.1:${port}/?session=s${index}`;
      const ui = new WebSocket(`${base}&role=ui`);
      const runner = new WebSocket(`${base}&role=runner`);
      ui.on('message', (data) =>
        arrived((JSON.parse(String(data)) as { payload: { text: string } }).payload.text),
      );
      return {
        send: (text) => runner.send(JSON.stringify(envelope(`s${index}`, text))),
        get received() {
          return state.received;
        },
        latencies: state.latencies,
        ready: () => until(() => runner.readyState === WebSocket.OPEN && ui.readyState === WebSocket.OPEN),
        close: async () => {
          runner.close();
          ui.close();
        },
      };
    },
  };
}

export function socketIoSystem(
  port: number,
  name = 'socket.io 4.8.4, connection-state recovery (no storage)',
): System {
  return {
    name,
    open(index) {
      const { state, arrived } = recorder();
      const connect = (role: string) =>
        io(`http://127.0.0.1:${port}`, { transports: ['websocket'], query: { session: `s${index}`, role } });
      const ui = connect('ui');
      const runner = connect('runner');
      ui.on('message', (m: { payload: { text: string } }) => arrived(m.payload.text));
      return {
        send: (text) => void runner.emit('send', envelope(`s${index}`, text), () => {}),
        get received() {
          return state.received;
        },
        latencies: state.latencies,
        // The room join happens on the server after connect; give it a moment.
        ready: () =>
          until(() => runner.connected && ui.connected).then(() => new Promise((r) => setTimeout(r, 50))),
        close: async () => {
          runner.close();
          ui.close();
        },
      };
    },
  };
}
