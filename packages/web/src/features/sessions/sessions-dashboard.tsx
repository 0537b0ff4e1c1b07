import { useState } from 'react';
import type { SessionStatus } from '../../api/sessions.ts';
import { SelectField } from '../../components/field.tsx';
import { SessionList } from './session-list.tsx';

const statuses: SessionStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export function SessionsDashboard({ project }: { project: string }) {
  const [status, setStatus] = useState<SessionStatus | ''>('');
  return (
    <section aria-labelledby="sessions-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="sessions-heading" className="text-lg font-semibold text-slate-900">
          Sessions
        </h2>
        <div className="w-44">
          <SelectField
            label="Status"
            value={status}
            onChange={(e) => setStatus(e.target.value as SessionStatus | '')}
          >
            <option value="">Any status</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
        </div>
      </div>
      <SessionList project={project} filter={status ? { status } : {}} />
    </section>
  );
}
