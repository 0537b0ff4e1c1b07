import type { PRLink, PullState } from '../../api/sessions.ts';
import { Badge, type BadgeTone } from '../../components/badge.tsx';

const tones: Record<PullState, BadgeTone> = { open: 'green', merged: 'purple', closed: 'red' };

/** One word for a session's pull requests together. */
export function combinedState(prs: PRLink[]): { label: string; tone: BadgeTone } {
  const count = (s: PullState) => prs.filter((p) => p.status === s).length;
  const merged = count('merged');
  if (merged === prs.length) return { label: 'all merged', tone: 'purple' };
  if (count('closed') === prs.length) return { label: 'all closed', tone: 'red' };
  if (count('open') > 0)
    return { label: merged ? `${merged} of ${prs.length} merged` : 'open', tone: 'green' };
  return { label: 'partly merged', tone: 'amber' };
}

/** A session's pull requests: the umbrella first, then one per changed submodule. */
export function PRGroup({ prs }: { prs: PRLink[] }) {
  if (prs.length === 0) return <p className="text-xs text-slate-600">No pull requests.</p>;
  const sorted = [...prs].sort((a, b) =>
    a.role === b.role ? a.repo.localeCompare(b.repo) : a.role === 'umbrella' ? -1 : 1,
  );
  const combined = combinedState(prs);
  return (
    <div className="rounded-lg border border-slate-200">
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 bg-slate-50 px-3 py-1.5">
        <span className="text-xs font-medium text-slate-700">
          {prs.length} pull request{prs.length === 1 ? '' : 's'}
        </span>
        <Badge tone={combined.tone}>{combined.label}</Badge>
      </div>
      <ul className="divide-y divide-slate-100">
        {sorted.map((pr) => (
          <li
            key={`${pr.repo}#${pr.number}`}
            className={`flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm ${pr.role === 'submodule' ? 'pl-7' : ''}`}
          >
            <Badge tone={pr.role === 'umbrella' ? 'indigo' : 'gray'}>{pr.role}</Badge>
            <a
              href={pr.url}
              target="_blank"
              rel="noreferrer"
              className="font-mono text-indigo-700 hover:underline"
            >
              {pr.repo}#{pr.number}
            </a>
            {pr.title && (
              <span className="min-w-0 flex-1 basis-48 font-medium break-words text-slate-900">
                {pr.title}
              </span>
            )}
            <span className="min-w-0 flex-1 basis-full font-mono text-xs break-all text-slate-600 sm:basis-auto">
              {pr.head} → {pr.base}
            </span>
            {pr.changedFiles !== undefined && (
              <span className="text-xs text-slate-600">
                <span className="text-emerald-700">+{pr.additions}</span>{' '}
                <span className="text-red-700">−{pr.deletions}</span> · {pr.changedFiles} file
                {pr.changedFiles === 1 ? '' : 's'}
              </span>
            )}
            <Badge tone={tones[pr.status]}>{pr.status}</Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}
