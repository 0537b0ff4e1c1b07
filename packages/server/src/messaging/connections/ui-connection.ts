import { CLOSE_CODES, type Envelope, type Sender } from '@rfe/protocol';
import type { WebSocket } from 'ws';
import type { FanOut } from '../fan-out/fan-out.ts';
import type { LiveSession } from '../live-session.ts';
import type { MessagingMetrics } from '../metrics.ts';
import type { MessagingSettings } from '../settings.ts';
import { FrameSocket } from './frame-socket.ts';
import { type Refusal, refuseMessage } from './producer-rules.ts';
import { SubscriberStream } from './subscriber-stream.ts';

export interface UiConnectionDeps {
  settings: MessagingSettings;
  metrics: MessagingMetrics;
  fanOut: FanOut;
  /** Resume cursor from the URL (`?after=`); absent means from the start. */
  after: number | undefined;
  /** Whether this client may send this input now (session policy, session still open), and as whom. */
  admitInput: (message: Envelope) => Promise<{ refusal: Refusal } | { sender: Sender }>;
  /** The session as loaded for writing (with replicas this instance may take it over first). */
  writer: () => Promise<LiveSession>;
  onClose: () => void;
}

/**
 * A UI client's live stream of a session: subscribe, then replay what it missed, then live messages;
 * a cursor that cannot be served gets an explicit `resync`. Clients with the input capability may also
 * send prompt and cancel frames, which are stored and acknowledged like the runner's messages.
 */
export function serveUi(ws: WebSocket, session: LiveSession, deps: UiConnectionDeps): FrameSocket {
  const { metrics } = deps;
  let unsubscribe: (() => void) | undefined;
  let counted = false;
  let inputs: Promise<void> = Promise.resolve();

  const socket: FrameSocket = new FrameSocket(ws, {
    maxFrameBytes: deps.settings.maxFrameBytes,
    helloTimeoutMs: deps.settings.helloTimeoutMs,
    pingIntervalMs: deps.settings.pingIntervalMs,
    metrics,
    onHello: async (hello) => {
      if (hello.role !== 'ui') {
        socket.error('forbidden', 'role: this is the UI stream; runners use /api/runner/sessions/{s}');
        socket.close(CLOSE_CODES.forbidden, 'wrong role');
        throw new Error('wrong role');
      }
      const stream = new SubscriberStream(socket, session, deps.settings, metrics, () => {
        socket.error('storage_unavailable', 'the session log cannot be read right now; reconnect to resume');
        socket.close(1011, 'log unavailable');
      });
      unsubscribe = await deps.fanOut.subscribe(session.sessionId, (batch) => stream.onBatch(batch));
      if (!socket.open) return;
      // Another instance may be writing: look at storage before judging the cursor.
      const after = deps.after ?? 0;
      await session.refresh();
      if (after > session.lastSeq) await session.catchUpTo(after);
      const lastSeq = session.lastSeq;
      const reason = after < 0 ? 'invalid_cursor' : after > lastSeq ? 'cursor_ahead' : null;
      const cursor = reason ? lastSeq : after;
      if (after > 0) metrics.resumes.inc();
      socket.sendFrame({ op: 'ready', lastSeq, resumeFrom: cursor + 1 });
      if (reason) {
        metrics.resyncs.inc({ reason });
        socket.sendFrame({ op: 'resync', reason, lastSeq, earliestSeq: 1 });
      }
      stream.start(cursor);
      metrics.connectedClients.inc();
      counted = true;
    },
    onFrame: (frame) => {
      if (frame.op !== 'send') return; // acks are the runner's business
      const message = frame.message;
      inputs = inputs.then(() => accept(message)); // one at a time: the log keeps the client's order
    },
    onClose: () => {
      unsubscribe?.();
      if (counted) metrics.connectedClients.dec();
      deps.onClose();
    },
  });

  async function accept(message: Envelope): Promise<void> {
    const invalid = refuseMessage(message, session.sessionId, 'ui');
    const admitted = invalid ? { refusal: invalid } : await deps.admitInput(message);
    if ('refusal' in admitted) {
      socket.error(admitted.refusal.code, admitted.refusal.message, message.id);
      return;
    }
    try {
      // The sender is the caller's identity, whatever the client wrote.
      const writer = await deps.writer();
      const { seq } = await writer.sequencer.submitAsync({ ...message, sender: admitted.sender });
      socket.sendAck(message.id, seq);
    } catch {
      socket.error('storage_unavailable', 'not stored; resend it after reconnecting', message.id);
    }
  }

  return socket;
}
