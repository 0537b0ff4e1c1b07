import { join } from 'node:path';
import type { ClonedSubmodule, Workspace } from './clone-workspace.ts';
import type { Git } from './git.ts';

export interface ChangedRepositories {
  /** Submodules whose work tree differs from, or whose HEAD moved off, the pinned commit. */
  submodules: ClonedSubmodule[];
  /** The umbrella changed by itself, or because a submodule pointer moves. */
  umbrella: boolean;
}

/** Compares every cloned repository with the state it was cloned in. */
export async function detectChangedRepositories(
  git: Git,
  workspace: Workspace,
): Promise<ChangedRepositories> {
  const submodules: ClonedSubmodule[] = [];
  for (const submodule of workspace.submodules) {
    if (await hasChanged(git, join(workspace.root, submodule.path), submodule.baseSha))
      submodules.push(submodule);
  }
  const umbrella = submodules.length > 0 || (await hasChanged(git, workspace.root, workspace.baseSha));
  return { submodules, umbrella };
}

async function hasChanged(git: Git, dir: string, baseSha: string): Promise<boolean> {
  const status = await git.output(dir, [
    'status',
    '--porcelain',
    '--untracked-files=all',
    '--ignore-submodules=all',
  ]);
  if (status !== '') return true;
  return (await git.output(dir, ['rev-parse', 'HEAD'])) !== baseSha;
}
