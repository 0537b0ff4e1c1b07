import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { projectsApi } from '../../api/projects.ts';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';
import { projectsKey } from '../projects/query-keys.ts';

/** Jumps between the projects I am a member of. */
export function ProjectSwitcher({ current }: { current?: string }) {
  const id = useId();
  const projects = useQuery({ queryKey: projectsKey, queryFn: projectsApi.list });
  const items = projects.data ?? [];
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm text-slate-600 max-sm:sr-only">
        Project
      </label>
      <select
        id={id}
        value={current ?? ''}
        disabled={projects.isPending}
        onChange={(event) =>
          navigate(event.target.value ? paths.project(event.target.value) : paths.projects())
        }
        className="max-w-48 rounded-md border-0 bg-white py-1 pr-8 pl-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:outline-2 focus:outline-indigo-600"
      >
        <option value="">
          {projects.isPending ? 'Loading…' : items.length ? 'All projects' : 'No projects yet'}
        </option>
        {items.map((p) => (
          <option key={p.name} value={p.name}>
            {p.displayName}
          </option>
        ))}
      </select>
    </div>
  );
}
