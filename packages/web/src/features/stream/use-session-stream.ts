import { type Channel, type ChannelStatus, createChannel, type StatusDetail } from '@rfe/protocol';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { isApiError } from '../../api/http.ts';
import { messagesApi } from '../../api/messages.ts';
import { MessageStore } from './message-store.ts';

/** How many messages the view starts with and each "Load older" adds. */
export const PAGE_SIZE = 200;

export interface StreamState {
  status: ChannelStatus;
  detail: StatusDetail;
  /** Set when the stream cannot work at all (no such endpoint, not allowed). */
  fatal?: string;
  /** Set when the server could not serve our cursor and some history had to be fetched separately. */
  notice?: string;
}

/**
 * The live message log of one session: the last page of history and then live messages over the
 * session stream (one WebSocket, resumed by seq after any drop), plus older pages on demand.
 */
/** Messages after which the session's own record (status, PRs) has probably changed. */
const MILESTONES = new Set(['pr_event', 'pr_intent', 'result', 'error', 'git_event']);

export function useSessionStream(project: string, sessionId: string, onMilestone?: () => void) {
  const milestone = useRef(onMilestone);
  milestone.current = onMilestone;
  const store = useMemo(() => new MessageStore(), []);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [state, setState] = useState<StreamState>({ status: 'connecting', detail: { attempt: 0 } });
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string>();

  // Reads history between two seqs through the messages endpoint (resync gaps, older pages).
  const readRange = useCallback(
    async (after: number, upTo: number) => {
      let cursor = after;
      while (cursor < upTo) {
        const page = await messagesApi.page(project, sessionId, cursor, Math.min(PAGE_SIZE, upTo - cursor));
        store.add(page.items);
        if (page.items.length === 0 || page.nextAfter <= cursor) break;
        cursor = page.nextAfter;
      }
    },
    [project, sessionId, store],
  );

  useEffect(() => {
    let channel: Channel | undefined;
    let stopped = false;
    let milestoneTimer: ReturnType<typeof setTimeout> | undefined;
    (async () => {
      // Start one page before the end: the stream replays that page and continues live without a gap.
      let after = 0;
      try {
        const head = await messagesApi.page(project, sessionId, 0, 1);
        after = Math.max(0, head.lastSeq - PAGE_SIZE);
      } catch (error) {
        if (isApiError(error) && (error.isMissingRoute || error.status === 403 || error.status === 404)) {
          if (!stopped)
            setState((s) => ({
              ...s,
              status: 'closed',
              fatal: error.isMissingRoute
                ? 'Live messages are not available on this server yet.'
                : error.message,
            }));
          return;
        }
      }
      if (stopped) return;
      store.setFloor(after);
      channel = createChannel({
        url: messagesApi.streamUrl(project, sessionId),
        role: 'ui',
        sessionId,
        WebSocketImpl: WebSocket,
        after,
        onStatus: (status, detail) => setState((s) => ({ ...s, status, detail })),
      });
      channel.on('message', (message) => {
        store.add([message]);
        if (MILESTONES.has(message.type) || (message.type === 'status' && message.payload.phase === 'done')) {
          // One refresh per burst (a replay holds many milestones).
          clearTimeout(milestoneTimer);
          milestoneTimer = setTimeout(() => milestone.current?.(), 300);
        }
      });
      channel.on('resync', (frame) => {
        const from = store.lastSeq;
        setState((s) => ({
          ...s,
          notice: `The stream skipped ahead (${frame.reason}); missing messages are being loaded from history.`,
        }));
        void readRange(Math.max(from, frame.earliestSeq - 1), frame.lastSeq)
          .then(() => setState((s) => ({ ...s, notice: undefined })))
          .catch(() =>
            setState((s) => ({ ...s, notice: `Messages ${from + 1}–${frame.lastSeq} could not be loaded.` })),
          );
      });
      channel.on('error', (error) => {
        if (error.code === 'auth_failed' || error.code === 'unauthorized' || error.code === 'forbidden') {
          setState((s) => ({ ...s, fatal: error.message }));
        }
      });
    })();
    return () => {
      stopped = true;
      clearTimeout(milestoneTimer);
      void channel?.close();
    };
  }, [project, sessionId, store, readRange]);

  const loadOlder = useCallback(async () => {
    const floor = store.getSnapshot().floor;
    if (floor <= 0 || loadingOlder) return;
    const from = Math.max(0, floor - PAGE_SIZE);
    setLoadingOlder(true);
    setOlderError(undefined);
    try {
      await readRange(from, floor);
      store.setFloor(from);
    } catch (error) {
      setOlderError(error instanceof Error ? error.message : String(error));
    } finally {
      setLoadingOlder(false);
    }
  }, [store, readRange, loadingOlder]);

  return { ...snapshot, ...state, loadOlder, loadingOlder, olderError };
}
