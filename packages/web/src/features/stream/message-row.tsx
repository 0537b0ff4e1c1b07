import type { PersistedEnvelope } from '@rfe/protocol';
import { Badge } from '../../components/badge.tsx';
import { Markdown } from '../../components/markdown.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import type { Permission } from '../access/capabilities.ts';
import { AgentQuestion } from '../model/agent-question.tsx';
import { DiffView } from './diff-view.tsx';
import { PromptStateChip } from './prompt-state-chip.tsx';
import type { PromptStatus } from './prompt-states.ts';
import { RowFrame, Toggle } from './row-frame.tsx';

const NO_ANSWER: Permission = { allowed: false, reason: 'Only the session’s owner can answer.' };

const changeTone = { create: 'green', update: 'blue', delete: 'red', rename: 'purple' } as const;

/** One message as a row, by type. Commands are rendered by CommandRowView. */
export function MessageRowView({
  message: m,
  expanded,
  afterCancel = false,
  promptState,
  answer = NO_ANSWER,
  onToggle,
}: {
  message: PersistedEnvelope;
  /** Whether you may answer the agent's questions (the session's owner, while it runs). */
  answer?: Permission;
  /** An error that arrives after a cancel request is how the stop looks, shown as such. */
  afterCancel?: boolean;
  /** A prompt's way to the agent (queued, delivered, answered, not delivered). */
  promptState?: PromptStatus;
  expanded: boolean;
  onToggle: (value: boolean) => void;
}) {
  const tone = m.level === 'error' ? 'error' : m.level === 'warn' ? 'warn' : undefined;
  const frame = { ts: m.ts, seq: m.seq, tone } as const;
  switch (m.type) {
    case 'init':
      return (
        <RowFrame {...frame} icon="▶">
          Runner {m.payload.runnerVersion} started with <strong>{m.payload.adapter}</strong> on{' '}
          <code className="font-mono text-xs">
            {m.payload.repo}@{m.payload.branch}
          </code>
        </RowFrame>
      );
    case 'log':
      return (
        <RowFrame {...frame} icon="·">
          <p className="font-mono text-xs leading-5 break-words whitespace-pre-wrap text-slate-800">
            {m.payload.text}
          </p>
        </RowFrame>
      );
    case 'file_change':
      return (
        <RowFrame {...frame} icon="±">
          <div className="flex flex-wrap items-center gap-2">
            {m.payload.diff ? (
              <Toggle expanded={expanded} onToggle={() => onToggle(!expanded)}>
                <code className="font-mono text-slate-900">{m.payload.path}</code>
              </Toggle>
            ) : (
              <code className="font-mono text-slate-900">{m.payload.path}</code>
            )}
            <Badge tone={changeTone[m.payload.change]}>{m.payload.change}</Badge>
            {m.payload.oldPath && (
              <span className="font-mono text-xs text-slate-500">from {m.payload.oldPath}</span>
            )}
          </div>
          {expanded && m.payload.diff && (
            <div className="mt-1.5">
              <DiffView diff={m.payload.diff} />
            </div>
          )}
        </RowFrame>
      );
    case 'git_event':
      return (
        <RowFrame {...frame} icon="⎇">
          <span className="font-medium">git {m.payload.action}</span>{' '}
          <code className="font-mono text-xs">
            {m.payload.repo} {m.payload.branch}
          </code>
          {m.payload.details && <span className="text-slate-600"> — {m.payload.details}</span>}
        </RowFrame>
      );
    case 'pr_event':
      return (
        <RowFrame {...frame} icon="⇄">
          Pull request <span className="font-medium">{m.payload.action}</span>:{' '}
          <a
            href={m.payload.url}
            target="_blank"
            rel="noreferrer"
            className="font-mono text-indigo-700 hover:underline"
          >
            {m.payload.repo}#{m.payload.number}
          </a>{' '}
          <span className="font-mono text-xs text-slate-600">
            {m.payload.head} → {m.payload.base}
          </span>
        </RowFrame>
      );
    case 'pr_intent':
      return (
        <RowFrame {...frame} icon="⇄">
          Pull request requested on <code className="font-mono text-xs">{m.payload.repo}</code>:{' '}
          {m.payload.title}{' '}
          <span className="font-mono text-xs text-slate-600">
            {m.payload.head} → {m.payload.base}
          </span>
        </RowFrame>
      );
    case 'tool_event': {
      if (m.payload.name === 'question' && m.payload.action === 'start') {
        return (
          <RowFrame {...frame} icon="?">
            <AgentQuestion message={m} answer={answer} />
          </RowFrame>
        );
      }
      const detail = m.payload.action === 'start' ? m.payload.args : m.payload.result;
      return (
        <RowFrame {...frame} icon="⚙">
          {detail === undefined ? (
            <span>
              Tool <code className="font-mono">{m.payload.name}</code>{' '}
              {m.payload.action === 'start' ? 'started' : 'finished'}
            </span>
          ) : (
            <Toggle expanded={expanded} onToggle={() => onToggle(!expanded)}>
              Tool <code className="font-mono">{m.payload.name}</code>{' '}
              {m.payload.action === 'start' ? 'started' : 'finished'}
            </Toggle>
          )}
          {expanded && detail !== undefined && (
            <ScrollRegion
              label={`${m.payload.name} ${m.payload.action === 'start' ? 'arguments' : 'result'}`}
              className="mt-1.5 max-h-72 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs ring-1 ring-slate-200"
            >
              <pre className="font-mono">
                {typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2)}
              </pre>
            </ScrollRegion>
          )}
        </RowFrame>
      );
    }
    case 'prompt':
      return (
        <RowFrame {...frame} icon="›">
          <div className="rounded-lg bg-indigo-50 px-3 py-2 text-indigo-950">
            <div className="flex flex-wrap items-center gap-2">
              <span className="text-xs font-medium text-indigo-700">
                Prompt{m.sender ? ` from ${m.sender.subject}` : ''}
              </span>
              {promptState && <PromptStateChip status={promptState} />}
            </div>
            <p className="whitespace-pre-wrap">{m.payload.text}</p>
          </div>
        </RowFrame>
      );
    case 'cancel':
      return (
        <RowFrame {...frame} icon="■" tone="warn">
          Cancel requested{m.sender && ` by ${m.sender.subject}`}
          {m.payload.reason && `: ${m.payload.reason}`}
        </RowFrame>
      );
    case 'result':
      return (
        <RowFrame {...frame} icon="✓">
          <div className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-emerald-950">
            <p className="font-medium">Result</p>
            <LongText text={m.payload.summary} expanded={expanded} onToggle={onToggle} />
            {m.payload.artifacts.length > 0 && (
              <ul className="mt-1 list-disc pl-5 font-mono text-xs">
                {m.payload.artifacts.map((a) => (
                  <li key={a.path}>{a.path}</li>
                ))}
              </ul>
            )}
          </div>
        </RowFrame>
      );
    case 'error':
      if (afterCancel) {
        return (
          <RowFrame {...frame} icon="■" tone="warn">
            <span className="font-medium text-amber-900">Stopped after the cancel request</span>{' '}
            <span className="text-slate-600">({m.payload.message})</span>
          </RowFrame>
        );
      }
      return (
        <RowFrame {...frame} icon="!" tone="error">
          <span className="font-medium text-red-800">{m.payload.code}</span>{' '}
          <span className="text-red-900">{m.payload.message}</span>
        </RowFrame>
      );
    default:
      return (
        <RowFrame {...frame} icon="·">
          <span className="text-slate-600">{m.type}</span>
        </RowFrame>
      );
  }
}

const SHORT_LINES = 8;

/** Markdown cut to its first lines until expanded (a result can list hundreds of commands). */
function LongText({
  text,
  expanded,
  onToggle,
}: {
  text: string;
  expanded: boolean;
  onToggle: (value: boolean) => void;
}) {
  const lines = text.split('\n');
  const long = lines.length > SHORT_LINES;
  return (
    <>
      <Markdown
        className="text-emerald-950"
        text={long && !expanded ? `${lines.slice(0, SHORT_LINES).join('\n')}\n\n…` : text}
      />
      {long && (
        <button
          type="button"
          aria-expanded={expanded}
          onClick={() => onToggle(!expanded)}
          className="mt-1 rounded text-sm font-medium text-emerald-900 underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {expanded ? 'Show less' : `Show all ${lines.length} lines`}
        </button>
      )}
    </>
  );
}
