import type { AppPermissionLevel, OrgRole, RepoPermission } from '../types.ts';

/** Everything the forge knows besides git objects and refs. Persisted as one JSON document. */
export interface ForgeState {
  version: 1;
  nextId: number;
  /** Keyed by lower-cased login (GitHub logins are case-insensitive). */
  accounts: Record<string, AccountRecord>;
  /** Keyed by repo id. */
  repos: Record<string, RepoRecord>;
  /** Keyed by `${repoId}/${number}`. */
  pulls: Record<string, PullRecord>;
  app: AppRecord | null;
  /** Keyed by installation id. */
  installations: Record<string, InstallationRecord>;
  /** Keyed by sha256 of the token; the token itself is never stored. */
  tokens: Record<string, TokenRecord>;
  /** Keyed by sha256 of the code. */
  oauthCodes: Record<string, OAuthCodeRecord>;
}

export interface AccountRecord {
  id: number;
  login: string;
  type: 'User' | 'Organization';
  name: string | null;
  email: string | null;
  createdAt: string;
  /** Organizations only: lower-cased member login -> role. */
  members?: Record<string, OrgRole>;
}

export interface RepoRecord {
  id: number;
  /** Owner login as displayed. */
  owner: string;
  name: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  fork: boolean;
  parentId: number | null;
  sourceId: number | null;
  allowMergeCommit: boolean;
  allowSquashMerge: boolean;
  allowRebaseMerge: boolean;
  deleteBranchOnMerge: boolean;
  /** Lower-cased login -> explicit permission (overrides the org role, 'none' removes access). */
  collaborators: Record<string, RepoPermission | 'none'>;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  nextNumber: number;
  /** A fork whose git content is still being copied (GitHub: forks are populated after the 202). */
  populating?: boolean;
  populateDefaultBranchOnly?: boolean;
}

export interface PullRecord {
  id: number;
  number: number;
  repoId: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  userLogin: string;
  headRepoId: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  maintainerCanModify: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
}

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  ownerLogin: string;
  clientId: string;
  clientSecret: string;
  privateKeyPem: string;
  publicKeyPem: string;
  webhookSecret: string;
  setupUrl: string | null;
  callbackUrls: string[];
  permissions: Record<string, AppPermissionLevel>;
  events: string[];
  createdAt: string;
}

export interface InstallationRecord {
  id: number;
  accountLogin: string;
  repositorySelection: 'all' | 'selected';
  repositoryIds: number[];
  permissions: Record<string, AppPermissionLevel>;
  events: string[];
  createdAt: string;
  updatedAt: string;
}

export type TokenRecord =
  | {
      kind: 'installation';
      installationId: number;
      /** null = every repository of the installation. */
      repositoryIds: number[] | null;
      permissions: Record<string, AppPermissionLevel>;
      expiresAt: number;
      createdAt: number;
    }
  | { kind: 'user'; login: string; expiresAt: number; createdAt: number }
  | { kind: 'refresh'; login: string; expiresAt: number; createdAt: number }
  | { kind: 'pat'; login: string; expiresAt: null; createdAt: number };

export interface OAuthCodeRecord {
  login: string;
  clientId: string;
  redirectUri: string | null;
  expiresAt: number;
}

export function emptyState(): ForgeState {
  return {
    version: 1,
    nextId: 1000,
    accounts: {},
    repos: {},
    pulls: {},
    app: null,
    installations: {},
    tokens: {},
    oauthCodes: {},
  };
}
