import { useMemo, useState } from 'react';
import type { Blob, BrowseLocation, Workspace } from '../../api/workspaces.ts';
import { cx } from '../../components/cx.ts';
import { Markdown } from '../../components/markdown.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { CodeLines } from './code-view.tsx';
import { highlight, languageOf } from './highlight.ts';
import { useBlob } from './use-browse.ts';

export function FileView({
  project,
  workspace,
  at,
}: {
  project: string;
  workspace: Workspace;
  at: BrowseLocation & { path: string };
}) {
  const blob = useBlob(project, workspace.slug, at, true);
  return (
    <section
      aria-label={`File ${at.path}`}
      className="min-w-0 overflow-hidden rounded-xl border border-slate-200 bg-white"
    >
      <header className="flex items-center justify-between gap-2 border-b border-slate-200 bg-slate-50 px-4 py-2">
        <h2 className="truncate font-mono text-sm font-semibold text-slate-900">
          {at.path.split('/').pop()}
        </h2>
        {blob.data && <span className="shrink-0 text-xs text-slate-600">{formatBytes(blob.data.size)}</span>}
      </header>
      {blob.isPending && (
        <div className="px-4">
          <Loading label="Loading file…" />
        </div>
      )}
      {blob.error && (
        <div className="p-4">
          <ErrorState error={blob.error} title="Could not open the file" retry={() => blob.refetch()} />
        </div>
      )}
      {blob.data && <Contents blob={blob.data} />}
    </section>
  );
}

function Contents({ blob }: { blob: Blob }) {
  const markdown = /\.(md|markdown)$/i.test(blob.path);
  const [mode, setMode] = useState<'rendered' | 'source'>('rendered');
  const lines = useMemo(
    () => (blob.content === null ? [] : highlight(blob.content, languageOf(blob.path))),
    [blob],
  );
  if (blob.binary) return <p className="p-4 text-sm text-slate-600">Binary file; not shown.</p>;
  if (blob.tooLarge || blob.content === null)
    return <p className="p-4 text-sm text-slate-600">This file is too large to show here.</p>;
  return (
    <div>
      {markdown && (
        <fieldset className="flex gap-1 border-b border-slate-200 px-4 py-1.5">
          <legend className="sr-only">View</legend>
          {(['rendered', 'source'] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={mode === m}
              onClick={() => setMode(m)}
              className={cx(
                'rounded px-2 py-0.5 text-xs font-medium capitalize focus-visible:outline-2 focus-visible:outline-indigo-600',
                mode === m ? 'bg-slate-200 text-slate-900' : 'text-slate-600 hover:bg-slate-100',
              )}
            >
              {m}
            </button>
          ))}
        </fieldset>
      )}
      {markdown && mode === 'rendered' ? (
        <div className="max-w-none p-4 sm:p-6">
          <Markdown text={blob.content} />
        </div>
      ) : (
        <ScrollRegion label="File contents" className="overflow-x-auto p-4">
          <pre className="font-mono">
            <CodeLines lines={lines} />
          </pre>
        </ScrollRegion>
      )}
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
