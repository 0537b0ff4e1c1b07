import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RunError } from '../errors.ts';
import type { Workspace } from './clone-workspace.ts';

/** Files of a git directory that make git read configuration (or objects) from somewhere else. */
const REDIRECTS = ['commondir', 'config.worktree', join('objects', 'info', 'alternates')];

interface GuardedRepository {
  /** Work tree, relative to the workspace root ('' for the umbrella). */
  tree: string;
  /** Git directory, relative to the workspace root. */
  gitDir: string;
  /** A submodule's `.git` file (`gitdir: …`); undefined for the umbrella's `.git` directory. */
  gitFile?: string;
  config: string;
  redirects: Set<string>;
}

/**
 * Keeps the shell's git from running what the agent wrote into a repository's metadata. Adapter code owns
 * the work tree and its `.git`, so it could set `core.fsmonitor`, a `filter` or `gpg.program` (run by the
 * shell's own `git add`/`commit`), `url.*.insteadOf` or `http.proxy` (where the push sends its token),
 * point `.git` or `commondir` at a git directory of its own, or turn a submodule into a link to another
 * repository on the machine. `capture` records each repository's configuration right after the clone;
 * `restore`, once no agent process is left, puts it back, removes redirects the clone did not have, and
 * refuses (nothing is pushed) a work tree or git directory the agent replaced with a link.
 */
export class RepositoryGuard {
  private constructor(
    private readonly root: string,
    private readonly repositories: GuardedRepository[],
  ) {}

  static async capture(workspace: Workspace): Promise<RepositoryGuard> {
    const root = workspace.root;
    const repositories: GuardedRepository[] = [await guarded(root, '', '.git')];
    for (const submodule of workspace.submodules) {
      const gitFile = await readFile(join(root, submodule.path, '.git'), 'utf8');
      const target = /^gitdir:\s*(.+)$/m.exec(gitFile)?.[1]?.trim();
      if (!target) throw new RunError('workspace_invalid', `${submodule.path}/.git names no git directory`);
      const gitDir = relative(root, resolve(root, submodule.path, target));
      if (gitDir.startsWith('..') || isAbsolute(gitDir)) {
        throw new RunError('workspace_invalid', `${submodule.path}/.git points outside the workspace`);
      }
      repositories.push({ ...(await guarded(root, submodule.path, gitDir)), gitFile });
    }
    return new RepositoryGuard(root, repositories);
  }

  async restore(): Promise<void> {
    for (const repo of this.repositories) {
      await this.realDirectories(repo.tree);
      const dotGit = join(this.root, repo.tree, '.git');
      if (repo.gitFile === undefined) {
        if (!(await lstat(dotGit).catch(() => undefined))?.isDirectory()) {
          throw new RunError(
            'workspace_invalid',
            `The agent replaced the repository's .git${where(repo)}; nothing was pushed.`,
          );
        }
      } else if ((await readFile(dotGit, 'utf8').catch(() => undefined)) !== repo.gitFile) {
        await rm(dotGit, { recursive: true, force: true });
        await writeFile(dotGit, repo.gitFile);
      }
      await this.realDirectories(repo.gitDir);
      const dir = join(this.root, repo.gitDir);
      await rm(join(dir, 'config'), { recursive: true, force: true }); // a link is removed, not followed
      await writeFile(join(dir, 'config'), repo.config, { mode: 0o644 });
      for (const file of REDIRECTS) {
        if (!repo.redirects.has(file)) await rm(join(dir, file), { recursive: true, force: true });
      }
    }
  }

  /** Every directory from the workspace root down to `path` is a directory, not a link elsewhere. */
  private async realDirectories(path: string): Promise<void> {
    let current = this.root;
    for (const part of path.split(sep).filter(Boolean)) {
      current = join(current, part);
      const stats = await lstat(current).catch(() => undefined);
      if (!stats?.isDirectory()) {
        throw new RunError(
          'workspace_invalid',
          `${relative(this.root, current)} is no longer a directory of the work tree (the agent replaced or removed it); nothing was pushed.`,
        );
      }
    }
  }
}

async function guarded(root: string, tree: string, gitDir: string): Promise<GuardedRepository> {
  const dir = join(root, gitDir);
  const redirects = new Set<string>();
  for (const file of REDIRECTS) if (await lstat(join(dir, file)).catch(() => undefined)) redirects.add(file);
  return { tree, gitDir, config: await readFile(join(dir, 'config'), 'utf8'), redirects };
}

function where(repo: GuardedRepository): string {
  return repo.tree ? ` in ${repo.tree}` : '';
}
