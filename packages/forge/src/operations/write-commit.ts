import type { ForgeContext } from '../context.ts';
import { branchSha, readCommit, ZERO_SHA } from '../git/read.ts';
import { buildTree, commitTree, hashBlob, type TreeChange, updateRef } from '../git/write.ts';
import type { RepoRecord } from '../state/model.ts';
import { iso, repoGitDir } from '../state/queries.ts';

export interface WriteCommitInput {
  branch: string;
  /** path -> content; null deletes the path. */
  files?: Record<string, string | Buffer | null>;
  /** Submodule gitlinks (mode 160000). */
  gitlinks?: { path: string; sha: string }[];
  message: string;
  author: { name: string; email: string; date?: string };
  committer?: { name: string; email: string; date?: string };
  /** Expected current branch tip (compare-and-swap); undefined = whatever it is now. */
  expectedParent?: string | null;
}

/**
 * One commit on top of `branch` (or a root commit when the branch does not exist), made with git plumbing.
 * Returns null when the branch moved meanwhile (the caller decides whether that is a conflict).
 */
export async function writeCommit(
  ctx: ForgeContext,
  repo: RepoRecord,
  input: WriteCommitInput,
): Promise<{ commitSha: string; parent: string | null; blobShas: Record<string, string> } | null> {
  const gitDir = repoGitDir(ctx.reposDir, repo);
  const parent =
    input.expectedParent !== undefined ? input.expectedParent : await branchSha(gitDir, input.branch);
  const baseTree = parent ? ((await readCommit(gitDir, parent))?.tree ?? null) : null;
  const changes: TreeChange[] = [];
  const blobShas: Record<string, string> = {};
  for (const [path, content] of Object.entries(input.files ?? {})) {
    if (content === null) {
      changes.push({ path, mode: '100644', type: 'blob', sha: null });
      continue;
    }
    const sha = await hashBlob(gitDir, content);
    blobShas[path] = sha;
    changes.push({ path, mode: '100644', type: 'blob', sha });
  }
  for (const link of input.gitlinks ?? [])
    changes.push({ path: link.path, mode: '160000', type: 'commit', sha: link.sha });
  const tree = await buildTree(gitDir, baseTree, changes);
  const commitSha = await commitTree(gitDir, {
    tree,
    parents: parent ? [parent] : [],
    message: input.message,
    author: input.author,
    committer: input.committer,
    nowMs: ctx.now(),
  });
  const ok = await updateRef(gitDir, `refs/heads/${input.branch}`, commitSha, parent ?? ZERO_SHA);
  if (!ok) return null;
  ctx.store.mutate((state) => {
    const r = state.repos[String(repo.id)];
    if (r) r.pushedAt = r.updatedAt = iso(ctx.now());
  });
  return { commitSha, parent, blobShas };
}
