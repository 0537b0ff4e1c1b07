import { useCallback, useMemo, useState } from 'react';
import { Button } from '../../components/button.tsx';
import { Notice } from '../../components/notice.tsx';
import type { Permission } from '../access/capabilities.ts';
import { CommandRowView } from './command-row.tsx';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { MessageRowView } from './message-row.tsx';
import { deriveRows, type Row } from './rows.ts';
import { useSessionStream } from './use-session-stream.ts';
import { VirtualList } from './virtual-list.tsx';

/** The live log of a session: connection state, older history on demand, rows by message type. */
export function SessionStream({
  project,
  session,
  finished = false,
  answer,
  onMilestone,
}: {
  project: string;
  session: string;
  /** Whether you may answer the agent's questions: the same rule as the prompt box. */
  answer?: Permission;
  /** The session has ended: no live indicator, no progress bar, the log is history. */
  finished?: boolean;
  onMilestone?: () => void;
}) {
  const stream = useSessionStream(project, session, onMilestone);
  const { rows, status } = useMemo(() => deriveRows(stream.messages, finished), [stream.messages, finished]);
  // Expanded/collapsed per row, kept here because windowed rows unmount when scrolled away.
  const [expanded, setExpanded] = useState<Map<string, boolean>>(() => new Map());
  const toggle = useCallback(
    (key: string, value: boolean) => setExpanded((m) => new Map(m).set(key, value)),
    [],
  );
  const last = rows.at(-1);
  const outcome =
    last?.kind === 'message' && (last.message.type === 'result' || last.message.type === 'error')
      ? last.message
      : undefined;

  const renderRow = useCallback(
    (row: Row) =>
      row.kind === 'command' ? (
        <CommandRowView
          row={row}
          finished={finished}
          expanded={expanded.get(row.key)}
          onToggle={(v) => toggle(row.key, v)}
        />
      ) : (
        <MessageRowView
          message={row.message}
          afterCancel={row.afterCancel}
          promptState={row.promptState}
          answer={answer}
          expanded={expanded.get(row.key) ?? false}
          onToggle={(v) => toggle(row.key, v)}
        />
      ),
    [expanded, toggle, finished, answer],
  );

  return (
    <section
      aria-labelledby="stream-title"
      className="flex min-h-0 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white"
    >
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-200 bg-slate-50 px-4 py-2">
        <h2 id="stream-title" className="text-sm font-semibold text-slate-900">
          Messages
        </h2>
        {finished ? (
          <span className="text-xs font-medium text-slate-700">Finished · full history</span>
        ) : (
          <ConnectionIndicator status={stream.status} detail={stream.detail} />
        )}
        {status && !finished && (
          <span className="flex items-center gap-2 text-xs text-slate-600">
            {status.payload.phase}
            <progress
              max={100}
              value={status.payload.progress}
              aria-label="Progress"
              className="h-1.5 w-24 accent-indigo-600"
            />
          </span>
        )}
        <span className="ml-auto text-xs text-slate-600">{stream.messages.length} loaded</span>
        {stream.floor > 0 && (
          <Button size="sm" onClick={() => void stream.loadOlder()} busy={stream.loadingOlder}>
            Load older
          </Button>
        )}
      </div>
      {stream.fatal && (
        <Notice tone="error" className="m-3">
          {stream.fatal}
        </Notice>
      )}
      {stream.notice && (
        <Notice tone="warning" className="m-3">
          {stream.notice}
        </Notice>
      )}
      {stream.olderError && (
        <Notice tone="error" className="m-3">
          Could not load older messages: {stream.olderError}
        </Notice>
      )}
      {/* Outcomes are announced; the log itself is not, it would be too chatty. */}
      <p className="sr-only" aria-live="polite">
        {outcome?.type === 'result'
          ? `Session result: ${outcome.payload.summary}`
          : outcome?.type === 'error'
            ? outcome.payload.code === 'cancelled'
              ? 'Session cancelled.'
              : `Session error: ${outcome.payload.message}`
            : ''}
      </p>
      {rows.length === 0 && !stream.fatal ? (
        <p className="px-4 py-10 text-center text-sm text-slate-600">
          {stream.status === 'open'
            ? 'No messages yet; they appear here as the session runs.'
            : 'Waiting for the stream…'}
        </p>
      ) : (
        <VirtualList
          items={rows}
          itemKey={rowKey}
          renderItem={renderRow}
          label="Session messages"
          className="h-[60vh] min-h-80 overflow-y-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
        />
      )}
    </section>
  );
}

const rowKey = (row: Row) => row.key;
