import { join } from 'node:path';
import type { Workspace } from './clone-workspace.ts';
import type { ChangedRepositories } from './detect-changes.ts';
import type { Git } from './git.ts';

const WORKFLOWS = '.github/workflows';

/**
 * The upstreams (owner/name) whose change adds, edits or deletes a file under .github/workflows/: only
 * their push tokens carry the `workflows` permission (GitHub refuses such a push without it).
 */
export async function upstreamsTouchingWorkflows(
  git: Git,
  workspace: Workspace,
  changes: ChangedRepositories,
): Promise<string[]> {
  const candidates = [
    ...(changes.umbrella ? [{ repo: workspace.repo, dir: workspace.root, baseSha: workspace.baseSha }] : []),
    ...changes.submodules.map((s) => ({
      repo: s.repo,
      dir: join(workspace.root, s.path),
      baseSha: s.baseSha,
    })),
  ];
  const touching: string[] = [];
  for (const c of candidates) {
    const tracked = await git.output(c.dir, ['diff', '--name-only', c.baseSha, '--', WORKFLOWS]);
    const untracked = await git.output(c.dir, [
      'ls-files',
      '--others',
      '--exclude-standard',
      '--',
      WORKFLOWS,
    ]);
    if (tracked !== '' || untracked !== '') touching.push(c.repo);
  }
  return touching;
}
