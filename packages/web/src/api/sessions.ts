import { http, seg } from './http.ts';

// Shapes of packages/server/src/routes/sessions/schema.ts.

export type SessionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type PullState = 'open' | 'merged' | 'closed';

export interface PRLink {
  repo: string;
  head: string;
  base: string;
  number: number;
  url: string;
  status: PullState;
  role: 'umbrella' | 'submodule';
  /** As the Git host has them now (on one session's page). */
  title?: string;
  additions?: number;
  deletions?: number;
  changedFiles?: number;
}

export interface Session {
  id: string;
  workspace: string;
  user: string;
  kind: 'session' | 'specify';
  adapter: string;
  /** Given at start, else the prompt's first line. */
  title: string;
  prompt: string;
  input: { repo: string; branch: string };
  /** `repo` is null until the fork is known. */
  output: { repo: string | null; branch: string };
  directPush: boolean;
  status: SessionStatus;
  flags: string[];
  skippedSubmodules: { path: string; repo: string; reason: string }[];
  error: string | null;
  remediation: string | null;
  /** Why it failed, for code (`budget_exceeded` …). */
  errorCode?: string | null;
  pullRequests: PRLink[];
  combinedPrStatus: 'none' | 'open' | 'partially-merged' | 'merged' | 'closed';
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StartSessionInput {
  /** `owner/name` of an existing fork, or leave out and set createFork. */
  fork?: string;
  createFork?: boolean;
  inputBranch?: string;
  outputBranch?: string;
  adapter: Adapter;
  prompt: string;
  title?: string;
  directPush?: boolean;
}

export interface SpecifyInput {
  feature?: string;
  description: string;
  title?: string;
}

export interface SessionFilter {
  workspace?: string;
  user?: string;
  status?: SessionStatus;
  before?: string;
  limit?: number;
}

/** Adapters the runner offers (SPEC §8); `specify` runs through its own action. */
export const ADAPTERS = ['claude', 'localexec'] as const;
export type Adapter = (typeof ADAPTERS)[number];

const inProject = (p: string) => `/api/projects/${seg(p)}`;

export const sessionsApi = {
  list: (p: string, filter: SessionFilter = {}) =>
    http
      .get<{ items: Session[]; nextBefore?: string }>(`${inProject(p)}/sessions`, { ...filter })
      .then((r) => r.items),
  get: (p: string, s: string) => http.get<Session>(`${inProject(p)}/sessions/${seg(s)}`),
  start: (p: string, w: string, input: StartSessionInput) =>
    http.post<Session>(`${inProject(p)}/workspaces/${seg(w)}/sessions`, input),
  specify: (p: string, w: string, input: SpecifyInput) =>
    http.post<Session>(`${inProject(p)}/workspaces/${seg(w)}/specify`, input),
  cancel: (p: string, s: string, reason?: string) =>
    http.post<Session>(`${inProject(p)}/sessions/${seg(s)}/cancel`, reason ? { reason } : {}),
};

export const isActive = (s: Pick<Session, 'status'>) => s.status === 'queued' || s.status === 'running';

/** The short id the server puts in session branch names (`…/session-{shortId}`). */
export const shortId = (id: string) => id.slice(-8).toLowerCase();
