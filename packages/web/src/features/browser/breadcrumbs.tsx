import type { Workspace } from '../../api/workspaces.ts';
import { type BrowseState, goTo, parentOf } from './browse-state.ts';

interface Crumb {
  label: string;
  go?: () => void;
}

function segments(path: string, make: (prefix: string) => () => void): Crumb[] {
  const parts = path ? path.split('/') : [];
  return parts.map((label, i) => ({ label, go: make(parts.slice(0, i + 1).join('/')) }));
}

/** umbrella / repos / api ⟶ acme/api / src — every part but the last is a link. */
export function Breadcrumbs({ workspace, state }: { workspace: Workspace; state: BrowseState }) {
  const umbrella = `${workspace.upstream.owner}/${workspace.upstream.repo}`;
  const crumbs: Crumb[] = [{ label: umbrella, go: () => goTo({ path: '' }) }];
  if (state.repo) {
    // The submodule's own folder is the repository crumb; its parents are umbrella folders.
    if (state.via) crumbs.push(...segments(parentOf(state.via), (p) => () => goTo({ path: p })));
    crumbs.push({
      label: `${state.repo}${state.ref ? ` @ ${state.ref.slice(0, 7)}` : ''}`,
      go: () => goTo({ repo: state.repo, ref: state.ref, via: state.via, path: '' }),
    });
  }
  crumbs.push(
    ...segments(state.path, (p) => () => goTo({ repo: state.repo, ref: state.ref, via: state.via, path: p })),
  );
  return (
    <nav aria-label="Location in the repository">
      <ol className="flex flex-wrap items-center gap-1 font-mono text-sm">
        {crumbs.map((c, i) => {
          const last = i === crumbs.length - 1;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a crumb is its position
            <li key={i} className="flex items-center gap-1">
              {i > 0 && (
                <span aria-hidden="true" className="text-slate-400">
                  /
                </span>
              )}
              {last || !c.go ? (
                <span aria-current={last ? 'location' : undefined} className="font-semibold text-slate-900">
                  {c.label}
                </span>
              ) : (
                <button
                  type="button"
                  onClick={c.go}
                  className="rounded text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                >
                  {c.label}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
