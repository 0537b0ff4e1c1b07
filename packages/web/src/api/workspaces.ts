import type { BodyOf, ResponseOf, Schema } from './contract.ts';
import { http, seg } from './http.ts';

type One = '/api/projects/{p}/workspaces/{w}';

export type Workspace = Schema<'Workspace'>;
export type Upstream = Workspace['upstream'];
export type RepoSubmodule = Workspace['submodules'][number];
export type CreateWorkspaceInput = BodyOf<'/api/projects/{p}/workspaces', 'post'>;
export type ComponentInput = NonNullable<CreateWorkspaceInput['components']>[number];
export type WorkspaceStatus = Schema<'WorkspaceStatus'>;
export type Commit = NonNullable<WorkspaceStatus['lastCommit']>;
export type PullSummary = WorkspaceStatus['openPullRequests'][number];
export type Tree = ResponseOf<`${One}/tree`, 'get'>;
export type TreeEntry = Tree['entries'][number];
export type TreeEntryType = TreeEntry['type'];
export type Blob = ResponseOf<`${One}/blob`, 'get'>;
/** What the umbrella's .gitmodules lists, to offer as components. */
export type GitmoduleSuggestions = ResponseOf<'/api/projects/{p}/gitmodules', 'get'>;

export interface BrowseLocation {
  repo?: string;
  ref?: string;
  path?: string;
}

const base = (p: string) => `/api/projects/${seg(p)}/workspaces`;
const one = (p: string, w: string) => `${base(p)}/${seg(w)}`;

export const workspacesApi = {
  list: (p: string) =>
    http.get<ResponseOf<'/api/projects/{p}/workspaces', 'get'>>(base(p)).then((r) => r.items),
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
