import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { PayloadOf } from '@rfe/protocol';
import type { Workspace } from './clone-workspace.ts';
import type { Git } from './git.ts';

export type FileChange = PayloadOf<'file_change'>;

/** Diffs beyond this are cut (a message must stay well under the 1 MiB frame limit). */
export const MAX_DIFF_CHARS = 200_000;

interface Tree {
  dir: string;
  /** Prefix of reported paths: '' for the umbrella, `repos/api/` for a submodule. */
  prefix: string;
  baseSha: string;
}

/**
 * Finds what the adapter changed in the umbrella and every cloned submodule since the clone (committed
 * or not, tracked or new), and returns each file whose diff differs from the one last returned, with a
 * unified diff against the cloned commit. Call it after each command or tool call.
 */
export class FileChangeTracker {
  readonly #git: Git;
  readonly #trees: Tree[];
  readonly #reported = new Map<string, string>();

  constructor(git: Git, workspace: Workspace) {
    this.#git = git;
    this.#trees = [
      { dir: workspace.root, prefix: '', baseSha: workspace.baseSha },
      ...workspace.submodules.map((s) => ({
        dir: join(workspace.root, s.path),
        prefix: `${s.path}/`,
        baseSha: s.baseSha,
      })),
    ];
  }

  async scan(): Promise<FileChange[]> {
    const changes: FileChange[] = [];
    for (const tree of this.#trees) {
      for (const change of await this.#changesIn(tree)) {
        const fingerprint = createHash('sha1')
          .update(`${change.change}\0${change.diff ?? ''}`)
          .digest('hex');
        if (this.#reported.get(change.path) === fingerprint) continue;
        this.#reported.set(change.path, fingerprint);
        changes.push(change);
      }
    }
    return changes;
  }

  async #changesIn(tree: Tree): Promise<FileChange[]> {
    const git = this.#git;
    const changes: FileChange[] = [];
    const tracked = await git.output(tree.dir, [
      'diff',
      '--name-status',
      '-z',
      '--no-renames',
      '--ignore-submodules=all',
      tree.baseSha,
    ]);
    const fields = tracked.split('\0').filter(Boolean);
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = fields[i];
      const path = fields[i + 1];
      const change = status === 'A' ? 'create' : status === 'D' ? 'delete' : 'update';
      const diff = await git.run(tree.dir, ['diff', '--ignore-submodules=all', tree.baseSha, '--', path]);
      changes.push(this.#change(tree, path, change, diff.stdout));
    }
    const untracked = await git.output(tree.dir, ['ls-files', '--others', '--exclude-standard', '-z']);
    for (const path of untracked.split('\0').filter(Boolean)) {
      // --no-index exits 1 when the files differ, which they always do here.
      const diff = await git.run(tree.dir, ['diff', '--no-index', '--', '/dev/null', path], {
        allowFailure: true,
      });
      changes.push(this.#change(tree, path, 'create', diff.stdout));
    }
    return changes;
  }

  #change(tree: Tree, path: string, change: FileChange['change'], diff: string): FileChange {
    const cut =
      diff.length > MAX_DIFF_CHARS
        ? `${diff.slice(0, MAX_DIFF_CHARS)}\n… diff truncated (${diff.length} characters in all)\n`
        : diff;
    return { path: `${tree.prefix}${path}`, change, ...(cut ? { diff: cut } : {}) };
  }
}
