import type { GitmoduleSuggestions } from '@rfe/server/routes/workspaces/gitmodules.ts';
import { http, seg } from './http.ts';

export type { GitmoduleSuggestions };

// Shapes of packages/server/src/routes/workspaces/schema.ts.

export interface Upstream {
  host: string;
  owner: string;
  repo: string;
  url: string;
}

export interface RepoSubmodule {
  /** `repos/{name}` in the umbrella. */
  path: string;
  /** owner/name */
  repo: string;
  url: string;
  branch: string | null;
  required: boolean;
  lastResolvedSha: string | null;
}

export interface Workspace {
  id: string;
  slug: string;
  name: string;
  upstream: Upstream;
  canonicalBranch: string;
  /** The Specify feature slug (`specs/{feature}/`). */
  feature: string | null;
  storagePrefix: string;
  submodules: RepoSubmodule[];
  createdBy: string;
  createdAt: string;
}

export interface ComponentInput {
  name: string;
  /** owner/repo or a URL on the configured Git host. */
  url: string;
  required?: boolean;
  branch?: string;
}

export interface CreateWorkspaceInput {
  name: string;
  /** `owner/repo` (or its URL) on the configured Git host. */
  upstream: string;
  components?: ComponentInput[];
  feature?: string;
}

export interface Commit {
  sha: string;
  message: string;
  author: string;
  date: string;
}

export interface PullSummary {
  number: number;
  title: string;
  url: string;
  head: string;
  state: string;
}

export interface WorkspaceStatus {
  canonicalBranch: string;
  defaultBranch: string;
  head: string | null;
  exists: boolean;
  aheadBy: number;
  behindBy: number;
  lastCommit: Commit | null;
  lastActivityAt: string | null;
  lastSyncAt: string;
  /** create | webhook | periodic | manual */
  syncSource: string;
  openPullRequests: PullSummary[];
  warnings: { code: string; message: string }[];
}

export type TreeEntryType = 'file' | 'dir' | 'submodule' | 'symlink';

export interface TreeEntry {
  name: string;
  path: string;
  type: TreeEntryType;
  size?: number;
  /** For submodules: the target repository at its pinned commit. */
  submodule?: { repo: string | null; sha: string; url: string; accessible: boolean; reason?: string };
}

export interface Tree {
  repo: string;
  ref: string;
  path: string;
  entries: TreeEntry[];
}

export interface Blob {
  repo: string;
  ref: string;
  path: string;
  size: number;
  sha: string;
  encoding: 'utf-8' | 'none';
  /** Null when `binary` or `tooLarge`. */
  content: string | null;
  binary: boolean;
  tooLarge: boolean;
  message?: string;
}

export interface BrowseLocation {
  repo?: string;
  ref?: string;
  path?: string;
}

const base = (p: string) => `/api/projects/${seg(p)}/workspaces`;
const one = (p: string, w: string) => `${base(p)}/${seg(w)}`;

export const workspacesApi = {
  list: (p: string) => http.get<{ items: Workspace[] }>(base(p)).then((r) => r.items),
  get: (p: string, w: string) => http.get<Workspace>(one(p, w)),
  create: (p: string, input: CreateWorkspaceInput) => http.post<Workspace>(base(p), input),
  /** What the umbrella's .gitmodules lists, to offer as components. */
  gitmodules: (p: string, upstream: string) =>
    http.get<GitmoduleSuggestions>(`/api/projects/${seg(p)}/gitmodules`, { upstream }),
  status: (p: string, w: string) => http.get<WorkspaceStatus>(`${one(p, w)}/status`),
  sync: (p: string, w: string) => http.post<WorkspaceStatus>(`${one(p, w)}/sync`),
  tree: (p: string, w: string, at: BrowseLocation) => http.get<Tree>(`${one(p, w)}/tree`, { ...at }),
  blob: (p: string, w: string, at: BrowseLocation) => http.get<Blob>(`${one(p, w)}/blob`, { ...at }),
};
