/** Public shapes of the forge package (re-exported from index.ts). */

export type FaultOptions = {
  serverErrorRate?: number;
  secondaryRateLimitRate?: number;
  retryAfterSeconds?: number;
  only?: 'reads' | 'writes' | 'all';
};

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface ForgeOptions {
  /** Bare repos + metadata JSON persist here across restarts. */
  dataDir: string;
  /** 0 = random; default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Applied only when dataDir is empty/new. Default: 'default'. */
  seed?: ForgeSeed | 'default' | false;
  /** Injectable clock (ms) for token expiry tests. */
  now?: () => number;
  /** Externally visible base URL, default http://{host}:{port}. */
  publicUrl?: string;
  webhooks?: WebhookTarget[];
  faults?: FaultOptions;
  /**
   * GitHub's asynchronous states, on by default: a new fork stays empty for `forkMs` after the 202 (git
   * reads 409 "Git Repository is empty.", no branches), a pull request's `mergeable` is null /
   * `mergeable_state` "unknown" for `mergeabilityMs` after it or its branches change. 0 turns one off.
   */
  delays?: Partial<AsyncDelays>;
}

export interface AsyncDelays {
  forkMs: number;
  mergeabilityMs: number;
}

export const DEFAULT_DELAYS: AsyncDelays = { forkMs: 300, mergeabilityMs: 200 };

export interface ForgeAppCredentials {
  id: number;
  slug: string;
  clientId: string;
  clientSecret: string;
  privateKeyPem: string;
  webhookSecret: string;
}

export interface StartedForge {
  /** e.g. http://127.0.0.1:PORT (web + git at /{owner}/{repo}.git). */
  url: string;
  /** url + '/api/v3' (Octokit baseUrl). */
  apiUrl: string;
  /** Where the forge actually listens (differs from `url` behind a proxy / with `publicUrl`). */
  listenUrl: string;
  app: ForgeAppCredentials;
  setWebhooks(hooks: WebhookTarget[]): void;
  setFaults(f: ForgeOptions['faults']): void;
  setNow(fn: () => number): void;
  /** Points the App's setup URL / OAuth callback URLs somewhere (what a GitHub App owner edits in settings). */
  configureApp(settings: { setupUrl?: string | null; callbackUrls?: string[] }): void;
  /** A personal-access-token-like user token (acts as that user with their repo permissions). */
  userToken(login: string): Promise<string>;
  /** counted = decremented a rate limit. */
  stats(): { requests: number; countedRequests: number; byRoute: Record<string, number> };
  close(): Promise<void>;
}

export type OrgRole = 'admin' | 'write' | 'read';
export type RepoPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';
export type AppPermissionLevel = 'read' | 'write';

export interface SeedUser {
  login: string;
  name?: string;
  email?: string;
}

export interface SeedOrg {
  login: string;
  name?: string;
  members: { login: string; role: OrgRole }[];
}

export interface SeedRepo {
  owner: string;
  name: string;
  private?: boolean;
  description?: string;
  default_branch?: string;
  /** path -> UTF-8 content of the initial commit. */
  files?: Record<string, string>;
  /** Gitlinks pinned to the component repo's default-branch HEAD; URL is the forge's own `{url}/{owner}/{repo}.git`. */
  submodules?: { path: string; repo: string }[];
  /** Per-user override; 'none' removes access the org role would give. */
  collaborators?: Record<string, RepoPermission | 'none'>;
  allow_merge_commit?: boolean;
  allow_squash_merge?: boolean;
  allow_rebase_merge?: boolean;
}

export interface SeedApp {
  id?: number;
  slug: string;
  name?: string;
  owner?: string;
  clientId?: string;
  clientSecret?: string;
  webhookSecret?: string;
  /** Generated (RSA 2048) when absent. */
  privateKeyPem?: string;
  setupUrl?: string | null;
  callbackUrls?: string[];
  permissions?: Record<string, AppPermissionLevel>;
  events?: string[];
}

export interface SeedInstallation {
  id?: number;
  /** User or org login the App is installed on. */
  account: string;
  /** Default 'all' (every repo of the account, including later ones). */
  repository_selection?: 'all' | 'selected';
  /** Repo names (without owner) when selection is 'selected'. */
  repositories?: string[];
  permissions?: Record<string, AppPermissionLevel>;
}

export interface ForgeSeed {
  users: SeedUser[];
  orgs?: SeedOrg[];
  repos?: SeedRepo[];
  app?: SeedApp;
  installations?: SeedInstallation[];
}
