import type { Octokit } from '@octokit/rest';
import type { User } from '../db/users.ts';
import { ForbiddenError } from '../errors.ts';
import { fullName, parseRepoRef, type RepoRef } from '../github/repo-ref.ts';
import { bootstrapFiles, gitmodulesText, parseGitmodules } from './bootstrap-files.ts';
import type { ResolvedComponent } from './create-workspace.ts';

export interface PinnedSubmodule {
  path: string;
  url: string;
  ref: RepoRef | null;
  branch: string | null;
  required: boolean;
  sha: string | null;
}

/**
 * Makes the canonical branch hold the workspace structure and the requested submodules, adding only what is
 * missing, in one commit through the Git data API. Returns every submodule under `repos/` as pinned now.
 * Reads go through `via.read` (the installation on the upstream's owner), writes act as the user (`via.write`).
 */
export async function ensureCanonicalStructure(
  via: { read: Octokit; write: Octokit },
  upstream: RepoRef,
  branch: string,
  components: ResolvedComponent[],
  author: User,
  canWrite: boolean,
): Promise<PinnedSubmodule[]> {
  const head = await via.read.rest.git.getRef({ ...upstream, ref: `heads/${branch}` });
  const commitSha = head.data.object.sha;
  const commit = await via.read.rest.git.getCommit({ ...upstream, commit_sha: commitSha });
  const tree = await via.read.rest.git.getTree({
    ...upstream,
    tree_sha: commit.data.tree.sha,
    recursive: 'true',
  });
  const paths = new Set(tree.data.tree.map((e) => e.path));
  const gitlinks = new Map(tree.data.tree.filter((e) => e.mode === '160000').map((e) => [e.path!, e.sha!]));

  let modules = new Map<string, { url: string; branch?: string }>();
  if (paths.has('.gitmodules')) {
    const file = await via.read.rest.repos.getContent({ ...upstream, path: '.gitmodules', ref: commitSha });
    const data = file.data as { content?: string; encoding?: string };
    modules = parseGitmodules(Buffer.from(data.content ?? '', 'base64').toString('utf8'));
  }

  const missingFiles = Object.entries(bootstrapFiles).filter(([path]) => !paths.has(path));
  const newComponents = components.filter((c) => !modules.has(c.path) && !gitlinks.has(c.path));
  if (missingFiles.length || newComponents.length) {
    if (!canWrite) {
      throw new ForbiddenError(
        `Branch ${branch} on ${fullName(upstream)} lacks the workspace structure and adding it needs write access. ` +
          'Ask a maintainer with write access to create the workspace, or to grant you write access.',
        { remedy: 'write-access' },
      );
    }
    for (const c of newComponents) modules.set(c.path, { url: c.url, branch: c.branch ?? undefined });
    const entries = [
      ...missingFiles.map(([path, content]) => ({
        path,
        mode: '100644' as const,
        type: 'blob' as const,
        content,
      })),
      ...newComponents.map((c) => ({
        path: c.path,
        mode: '160000' as const,
        type: 'commit' as const,
        sha: c.sha,
      })),
    ];
    if (newComponents.length) {
      const all = [...modules.entries()].map(([path, m]) => ({ path, url: m.url, branch: m.branch }));
      entries.push({ path: '.gitmodules', mode: '100644', type: 'blob', content: gitmodulesText(all) });
    }
    const newTree = await via.write.rest.git.createTree({
      ...upstream,
      base_tree: commit.data.tree.sha,
      tree: entries,
    });
    const when = new Date().toISOString();
    const created = await via.write.rest.git.createCommit({
      ...upstream,
      message: `Bootstrap RFE workspace on ${branch}\n\nAdds ${[
        ...missingFiles.map(([p]) => p),
        ...newComponents.map((c) => `${c.path} (${fullName(c.ref)})`),
      ].join(', ')}.`,
      tree: newTree.data.sha,
      parents: [commitSha],
      author: { name: author.name, email: author.email, date: when },
    });
    await via.write.rest.git.updateRef({
      ...upstream,
      ref: `heads/${branch}`,
      sha: created.data.sha,
      force: false,
    });
    for (const c of newComponents) gitlinks.set(c.path, c.sha);
  }

  const requested = new Map(components.map((c) => [c.path, c]));
  return [...modules.entries()]
    .filter(([path]) => path.startsWith('repos/'))
    .map(([path, m]) => ({
      path,
      url: m.url,
      ref: refOf(m.url),
      branch: requested.get(path)?.branch ?? m.branch ?? null,
      required: requested.get(path)?.required ?? false,
      sha: gitlinks.get(path) ?? null,
    }));
}

function refOf(url: string): RepoRef | null {
  try {
    const u = new URL(url);
    return parseRepoRef(url, { host: u.host, webUrl: u.origin }, 'url');
  } catch {
    return null;
  }
}
