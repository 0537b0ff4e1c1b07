import type { ForgeContext } from '../context.ts';
import type { TreeEntry } from '../git/read.ts';
import type { RepoRecord } from '../state/model.ts';
import { repoUrls } from './repository.ts';

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** Fields every contents entry has (`content-tree` item, file, dir, submodule, symlink). */
export function contentBase(ctx: ForgeContext, repo: RepoRecord, ref: string, entry: TreeEntry) {
  const { api, html } = repoUrls(ctx, repo);
  const p = encodePath(entry.path);
  const name = entry.path.split('/').pop() ?? entry.path;
  const isTree = entry.type === 'tree';
  const isLink = entry.type === 'commit';
  const self = `${api}/contents/${p}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = isTree || isLink ? `${api}/git/trees/${entry.sha}` : `${api}/git/blobs/${entry.sha}`;
  const htmlUrl = `${html}/${isTree || isLink ? 'tree' : 'blob'}/${ref}/${p}`;
  return {
    name,
    path: entry.path,
    sha: entry.sha,
    size: entry.type === 'blob' ? (entry.size ?? 0) : 0,
    url: self,
    html_url: htmlUrl,
    git_url: gitUrl,
    download_url: entry.type === 'blob' ? `${html}/raw/${ref}/${p}` : null,
    _links: { self, git: gitUrl, html: htmlUrl },
  };
}

/** A directory listing item. GitHub reports submodules as `type: "file"` here, for backwards compatibility. */
export function directoryItem(ctx: ForgeContext, repo: RepoRecord, ref: string, entry: TreeEntry) {
  const type = entry.type === 'tree' ? 'dir' : entry.mode === '120000' ? 'symlink' : 'file';
  const base = contentBase(ctx, repo, ref, entry);
  return { type, ...base };
}

/**
 * A submodule entry. GitHub points `git_url` and `html_url` at the submodule's own repository (tree at the
 * pinned commit) when it lives on the same host, and leaves them null otherwise.
 */
export function submoduleContent(
  ctx: ForgeContext,
  repo: RepoRecord,
  ref: string,
  entry: TreeEntry,
  submoduleUrl: string,
) {
  const base = contentBase(ctx, repo, ref, entry);
  const prefix = `${ctx.urls.web}/`;
  const path = submoduleUrl.startsWith(prefix) ? submoduleUrl.slice(prefix.length).replace(/\.git$/, '') : '';
  const [owner, name, ...rest] = path.split('/');
  const onHost = Boolean(owner && name && rest.length === 0);
  const gitUrl = onHost ? `${ctx.urls.api}/repos/${owner}/${name}/git/trees/${entry.sha}` : null;
  const htmlUrl = onHost ? `${ctx.urls.web}/${owner}/${name}/tree/${entry.sha}` : null;
  return {
    type: 'submodule',
    submodule_git_url: submoduleUrl,
    ...base,
    html_url: htmlUrl,
    git_url: gitUrl,
    _links: { self: base.url, git: gitUrl, html: htmlUrl },
  };
}
