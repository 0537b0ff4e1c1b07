import { useId } from 'react';
import { Button } from '../../components/button.tsx';
import { Notice } from '../../components/notice.tsx';
import { EmptyState, ErrorState, errorMessage, isNotAvailable, Loading } from '../../components/states.tsx';
import { useCreateFork, useForks } from './use-github.ts';

/** Lists my forks of `upstream` to pick one as a session's output; offers to create one. */
export function ForkSelector({
  upstream,
  value,
  onChange,
}: {
  upstream: string;
  value?: string;
  onChange: (fork: string) => void;
}) {
  const name = useId();
  const forks = useForks(upstream);
  const create = useCreateFork(upstream);
  const createFork = () => create.mutate(undefined, { onSuccess: (fork) => onChange(fork.fullName) });

  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">
        Your fork of <span className="font-mono">{upstream}</span>
      </legend>
      {forks.isPending && forks.fetchStatus !== 'idle' && <Loading label="Loading your forks…" />}
      {forks.error &&
        (isNotAvailable(forks.error) ? (
          <Notice tone="info">Forks are not available on this server yet.</Notice>
        ) : (
          <ErrorState error={forks.error} title="Could not list your forks" retry={() => forks.refetch()} />
        ))}
      {forks.data?.length === 0 && (
        <EmptyState title="You have no fork of this repository yet">
          Create one; sessions push their branches there.
        </EmptyState>
      )}
      {forks.data && forks.data.length > 0 && (
        <ul className="space-y-1.5">
          {forks.data.map((fork) => (
            <li key={fork.fullName}>
              <label className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm hover:bg-slate-50 has-checked:border-indigo-500 has-checked:bg-indigo-50/50">
                <input
                  type="radio"
                  name={name}
                  value={fork.fullName}
                  checked={value === fork.fullName}
                  onChange={() => onChange(fork.fullName)}
                  className="accent-indigo-600"
                />
                <span className="font-mono">{fork.fullName}</span>
                {fork.defaultBranch && (
                  <span className="text-xs text-slate-600">default branch {fork.defaultBranch}</span>
                )}
              </label>
            </li>
          ))}
        </ul>
      )}
      <div aria-live="polite">
        {create.error && <Notice tone="error">{errorMessage(create.error)}</Notice>}
      </div>
      {/* GitHub allows one fork per account; offer to create it only when there is none. */}
      {forks.data?.length === 0 && (
        <Button size="sm" onClick={createFork} busy={create.isPending}>
          Create fork
        </Button>
      )}
    </fieldset>
  );
}
