import { CLOSE_CODES, type Envelope } from '@rfe/protocol';
import type { WebSocket } from 'ws';
import { type LiveSession, MOVED_CLOSE_CODE, type RunnerLink } from '../live-session.ts';
import type { MessagingMetrics } from '../metrics.ts';
import type { MessagingSettings } from '../settings.ts';
import { FrameSocket } from './frame-socket.ts';
import { refuseMessage } from './producer-rules.ts';

export interface RunnerConnectionDeps {
  settings: MessagingSettings;
  metrics: MessagingMetrics;
  /** The session a runner token is valid for, or null. */
  verifyRunnerToken: (token: string) => string | null;
  onClose: () => void;
}

/**
 * The runner's channel: its messages are sequenced, stored, then acknowledged; input for it (prompt,
 * cancel) is sent on every connection until it acknowledges it. One runner connection per session: a
 * newer one replaces the older.
 */
export function serveRunner(ws: WebSocket, session: LiveSession, deps: RunnerConnectionDeps): FrameSocket {
  const { metrics } = deps;
  let link: RunnerLink | undefined;
  let paused = false;

  const socket: FrameSocket = new FrameSocket(ws, {
    maxFrameBytes: deps.settings.maxFrameBytes,
    helloTimeoutMs: deps.settings.helloTimeoutMs,
    pingIntervalMs: deps.settings.pingIntervalMs,
    metrics,
    onHello: (hello) => {
      if (hello.role !== 'runner') {
        socket.error('forbidden', 'role: this is the runner channel; UI clients use …/sessions/{s}/stream');
        socket.close(CLOSE_CODES.forbidden, 'wrong role');
        throw new Error('wrong role');
      }
      // The upgrade was authorised by the bearer header; a token in hello must name the same session.
      if (hello.token !== undefined && deps.verifyRunnerToken(hello.token) !== session.sessionId) {
        socket.error('unauthorized', 'token: not a runner token for this session');
        socket.close(CLOSE_CODES.unauthorized, 'bad token');
        throw new Error('bad token');
      }
      const current: RunnerLink = {
        deliver: (lines) => {
          for (const { line } of lines) socket.sendStoredMessage(line);
        },
        replaced: () => socket.close(CLOSE_CODES.normal, 'replaced by a newer runner connection'),
        moved: () => socket.close(MOVED_CLOSE_CODE, 'session moved to another server; reconnect'),
        ended: () => {
          socket.error('unauthorized', 'the session has ended; its runner token is no longer valid');
          socket.close(CLOSE_CODES.unauthorized, 'session ended');
        },
      };
      link = current;
      socket.sendFrame({ op: 'ready', lastSeq: session.lastSeq, resumeFrom: session.delivery.ackedSeq + 1 });
      current.deliver(session.attachRunner(current));
      metrics.connectedRunners.inc();
    },
    onFrame: (frame) => {
      if (frame.op === 'send') accept(frame.message);
      else if (frame.op === 'ack') {
        session.runnerAcked(frame.seq).catch(() => {
          // Not stored: the runner gets the input again on its next connection and acknowledges again.
        });
      }
    },
    onClose: () => {
      if (link) {
        session.detachRunner(link);
        metrics.connectedRunners.dec();
      }
      deps.onClose();
    },
  });

  function accept(message: Envelope): void {
    const refusal = refuseMessage(message, session.sessionId, 'runner');
    if (refusal) {
      socket.error(refusal.code, refusal.message, message.id);
      return;
    }
    metrics.runnerToServer.observe(Math.max(0, Date.now() - Date.parse(message.ts)) / 1000);
    session.submit(message, (error, seq) => {
      if (error) socket.error('storage_unavailable', 'not stored; resend it after reconnecting', message.id);
      else socket.sendAck(message.id, seq);
    });
    // Storage is behind: stop reading; the runner's outbox holds the rest meanwhile.
    if (session.sequencer.congested && !paused) {
      paused = true;
      socket.pause();
      void session.sequencer.whenUncongested().then(() => {
        paused = false;
        socket.resume();
      });
    }
  }

  return socket;
}
