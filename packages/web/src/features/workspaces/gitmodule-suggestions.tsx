import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type GitmoduleSuggestions, workspacesApi } from '../../api/workspaces.ts';
import { Checkbox } from '../../components/field.tsx';
import { errorMessage } from '../../components/states.tsx';

const fullName = /^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/;

/** `value`, once it has stopped changing for `ms` (no request per keystroke). */
function useSettled(value: string, ms = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export type Suggestion = GitmoduleSuggestions['components'][number];

/** The umbrella's .gitmodules entries as checkboxes; checking one adds it as a component. */
export function GitmoduleSuggestionList({
  project,
  upstream,
  isChosen,
  onToggle,
}: {
  project: string;
  upstream: string;
  isChosen: (s: Suggestion) => boolean;
  onToggle: (s: Suggestion, chosen: boolean) => void;
}) {
  const settled = useSettled(upstream.trim());
  const valid = fullName.test(settled);
  const suggestions = useQuery({
    queryKey: ['projects', project, 'gitmodules', settled],
    queryFn: () => workspacesApi.gitmodules(project, settled),
    enabled: valid,
    retry: false,
  });
  if (!valid) return null;
  if (suggestions.isPending)
    return <p className="text-xs text-slate-600">Reading {settled}'s .gitmodules…</p>;
  if (suggestions.error)
    return <p className="text-xs text-slate-600">No suggestions: {errorMessage(suggestions.error)}</p>;
  const offered = suggestions.data.components.filter((c) => c.repo);
  if (offered.length === 0)
    return <p className="text-xs text-slate-600">{settled} has no submodules on this Git host to suggest.</p>;
  return (
    <fieldset className="space-y-2 rounded-lg border border-slate-200 bg-slate-50/60 p-3">
      <legend className="px-1 text-sm font-medium text-slate-800">
        Components in {settled}'s .gitmodules
      </legend>
      {offered.map((s) => (
        <Checkbox
          key={s.path}
          label={`${s.name} — ${s.repo}`}
          hint={`${s.path}${s.branch ? ` on ${s.branch}` : ''}`}
          checked={isChosen(s)}
          onChange={(e) => onToggle(s, e.target.checked)}
        />
      ))}
    </fieldset>
  );
}
