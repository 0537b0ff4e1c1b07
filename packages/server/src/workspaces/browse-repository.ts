import type { Octokit } from '@octokit/rest';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { httpStatus, orNullOn404 } from '../github/github-errors.ts';
import { parseRepoRef, type RepoRef } from '../github/repo-ref.ts';

export const MAX_BLOB_BYTES = 1_048_576;

type ContentItem = {
  type: string;
  name: string;
  path: string;
  size?: number;
  sha: string;
  submodule_git_url?: string;
  content?: string;
  encoding?: string;
};

export interface TreeEntry {
  name: string;
  path: string;
  type: 'file' | 'dir' | 'submodule' | 'symlink';
  size?: number;
  submodule?: { repo: string | null; sha: string; url: string; accessible: boolean; reason?: string };
}

/**
 * Lists a directory through the Contents API (`via.read`). Submodule entries are resolved to their target
 * repository and pinned commit; one the viewer (`via.viewer`) cannot read is marked inaccessible while the rest loads.
 */
export async function browseTree(
  via: { read: Octokit; viewer: Octokit },
  repo: RepoRef,
  ref: string,
  path: string,
  host: { host: string; webUrl: string },
  knownSubmodules: Set<string>,
): Promise<TreeEntry[]> {
  const res = await getContent(via.read, repo, ref, path);
  const items = (Array.isArray(res) ? res : [res]) as ContentItem[];
  if (!Array.isArray(res) && (res as ContentItem).type === 'file') {
    throw new BadRequestError(`path: ${path} is a file; use the blob endpoint to read it.`, {
      field: 'path',
    });
  }
  const entries: TreeEntry[] = [];
  for (const item of items) {
    const isSubmodule = item.type === 'submodule' || knownSubmodules.has(item.path);
    if (!isSubmodule) {
      entries.push({
        name: item.name,
        path: item.path,
        type: item.type as TreeEntry['type'],
        size: item.size,
      });
      continue;
    }
    entries.push({
      name: item.name,
      path: item.path,
      type: 'submodule',
      submodule: await resolveSubmodule(via, repo, ref, item, host),
    });
  }
  return entries.sort(
    (a, b) => Number(a.type === 'file') - Number(b.type === 'file') || a.name.localeCompare(b.name),
  );
}

async function resolveSubmodule(
  via: { read: Octokit; viewer: Octokit },
  repo: RepoRef,
  ref: string,
  item: ContentItem,
  host: { host: string; webUrl: string },
): Promise<NonNullable<TreeEntry['submodule']>> {
  // Directory listings may not carry the submodule URL; the entry itself does.
  const detail = item.submodule_git_url
    ? item
    : ((await getContent(via.read, repo, ref, item.path)) as ContentItem);
  const url = detail.submodule_git_url ?? '';
  let target: RepoRef | null = null;
  try {
    target = parseRepoRef(url, host, 'submodule');
  } catch {
    return {
      repo: null,
      sha: detail.sha,
      url,
      accessible: false,
      reason: 'The submodule is not on the configured Git host.',
    };
  }
  const readable = await orNullOn404(via.viewer.rest.repos.get({ ...target }));
  return {
    repo: `${target.owner}/${target.repo}`,
    sha: detail.sha,
    url,
    accessible: Boolean(readable),
    ...(readable ? {} : { reason: `Your GitHub account cannot read ${target.owner}/${target.repo}.` }),
  };
}

export interface BlobView {
  path: string;
  size: number;
  sha: string;
  encoding: 'utf-8' | 'none';
  content: string | null;
  binary: boolean;
  tooLarge: boolean;
  message?: string;
}

/** Reads a file as text; large or binary files come back as a marker, never as a crash or a huge body. */
export async function readBlob(
  octokit: Octokit,
  repo: RepoRef,
  ref: string,
  path: string,
): Promise<BlobView> {
  const res = (await getContent(octokit, repo, ref, path)) as ContentItem | ContentItem[];
  if (Array.isArray(res) || res.type !== 'file') {
    throw new BadRequestError(`path: ${path} is not a file; use the tree endpoint to list it.`, {
      field: 'path',
    });
  }
  const base = { path: res.path, size: res.size ?? 0, sha: res.sha };
  if ((res.size ?? 0) > MAX_BLOB_BYTES || res.content === undefined || res.encoding === 'none') {
    return {
      ...base,
      encoding: 'none',
      content: null,
      binary: false,
      tooLarge: true,
      message: `The file is larger than ${MAX_BLOB_BYTES} bytes; open it on the Git host.`,
    };
  }
  const bytes = Buffer.from(res.content, 'base64');
  if (bytes.subarray(0, 8000).includes(0)) {
    return {
      ...base,
      encoding: 'none',
      content: null,
      binary: true,
      tooLarge: false,
      message: 'Binary file; not shown.',
    };
  }
  return { ...base, encoding: 'utf-8', content: bytes.toString('utf8'), binary: false, tooLarge: false };
}

async function getContent(octokit: Octokit, repo: RepoRef, ref: string, path: string): Promise<unknown> {
  try {
    const res = await octokit.rest.repos.getContent({ ...repo, ref, path });
    return res.data;
  } catch (err) {
    if (httpStatus(err) === 404) {
      throw new NotFoundError(
        `${path || '/'} does not exist at ${ref} in ${repo.owner}/${repo.repo}, or you cannot read it.`,
      );
    }
    throw err;
  }
}
