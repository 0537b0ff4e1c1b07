import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type AuditFilter, auditApi } from '../../api/audit.ts';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { TextField } from '../../components/field.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { EmptyState, ErrorState, Loading } from '../../components/states.tsx';
import { formatDate } from '../../components/time.tsx';

const PAGE = 25;

/** The project's audit events, newest first, filtered by action and actor, a page at a time. */
export function AuditLog({ project }: { project: string }) {
  const [draft, setDraft] = useState({ action: '', actor: '' });
  const [filter, setFilter] = useState<AuditFilter>({});
  // Cursors of the pages before the current one, so "Newer" can go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([]);
  const [before, setBefore] = useState<string>();
  const page = useQuery({
    queryKey: ['projects', project, 'audit', filter, before],
    queryFn: () => auditApi.list(project, { ...filter, before, limit: PAGE }),
    placeholderData: keepPreviousData,
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ action: draft.action.trim() || undefined, actor: draft.actor.trim() || undefined });
    setCursors([]);
    setBefore(undefined);
  };
  const older = () => {
    setCursors([...cursors, before]);
    setBefore(page.data?.nextBefore);
  };
  const newer = () => {
    setBefore(cursors.at(-1));
    setCursors(cursors.slice(0, -1));
  };

  return (
    <div className="space-y-4">
      <form
        onSubmit={apply}
        className="grid items-end gap-3 sm:grid-cols-[1fr_1fr_auto]"
        aria-label="Filter the audit log"
      >
        <TextField
          label="Action"
          placeholder="e.g. member.put"
          value={draft.action}
          onChange={(e) => setDraft({ ...draft, action: e.target.value })}
        />
        <TextField
          label="Actor"
          placeholder="e.g. alice"
          value={draft.actor}
          onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
        />
        <Button type="submit">Apply filters</Button>
      </form>
      {page.isPending && <Loading label="Loading audit events…" />}
      {page.error && <ErrorState error={page.error} retry={() => page.refetch()} />}
      {page.data?.items.length === 0 && (
        <EmptyState title="No audit events">Nothing matches these filters.</EmptyState>
      )}
      {page.data && page.data.items.length > 0 && (
        <ScrollRegion label="Audit events table" className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Audit events, newest first</caption>
            <thead className="border-b border-slate-200 text-xs text-slate-600 uppercase">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Time
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Actor
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Action
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Target
                </th>
                <th scope="col" className="py-2 font-medium">
                  Details
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {page.data.items.map((event) => (
                <tr key={event.id}>
                  <td className="py-2 pr-4 whitespace-nowrap text-slate-600">
                    <time dateTime={event.time}>{formatDate(event.time)}</time>
                  </td>
                  <td className="py-2 pr-4 font-medium text-slate-900">{event.actor}</td>
                  <td className="py-2 pr-4">
                    <span className="font-mono text-xs">{event.action}</span>{' '}
                    {event.outcome !== 'success' && <Badge tone="red">{event.outcome}</Badge>}
                  </td>
                  <td className="py-2 pr-4 font-mono text-xs break-all">{event.target}</td>
                  <td className="py-2 font-mono text-xs break-all text-slate-600">
                    {detailsText(event.details)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <nav aria-label="Audit log pages" className="flex items-center justify-between gap-2">
        <Button size="sm" onClick={newer} disabled={cursors.length === 0}>
          Newer
        </Button>
        <span className="text-xs text-slate-600" aria-live="polite">
          Page {cursors.length + 1}
        </span>
        <Button size="sm" onClick={older} disabled={!page.data?.nextBefore}>
          Older
        </Button>
      </nav>
    </div>
  );
}

function detailsText(details: Record<string, unknown>): string {
  const entries = Object.entries(details).filter(([, v]) => v !== null && v !== undefined);
  return entries.length
    ? entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
    : '—';
}
