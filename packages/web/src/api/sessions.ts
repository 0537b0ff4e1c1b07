import type { BodyOf, QueryOf, ResponseOf, Schema } from './contract.ts';
import { http, seg } from './http.ts';

export type Session = Schema<'Session'>;
export type SessionStatus = Session['status'];
export type PRLink = Session['pullRequests'][number];
export type PullState = PRLink['status'];
export type StartSessionInput = BodyOf<'/api/projects/{p}/workspaces/{w}/sessions', 'post'>;
export type SpecifyInput = BodyOf<'/api/projects/{p}/workspaces/{w}/specify', 'post'>;
export type SessionFilter = QueryOf<'/api/projects/{p}/sessions', 'get'>;
type SessionPage = ResponseOf<'/api/projects/{p}/sessions', 'get'>;

/** Adapters the runner offers (SPEC §8); `specify` runs through its own action. */
export type Adapter = StartSessionInput['adapter'];
/** Every adapter the server accepts, in the order the start dialog offers them (the type checks both ways). */
const adapters = { claude: true, localexec: true } satisfies Record<Adapter, true>;
export const ADAPTERS = Object.keys(adapters) as Adapter[];

const inProject = (p: string) => `/api/projects/${seg(p)}`;

export const sessionsApi = {
  list: (p: string, filter: SessionFilter = {}) =>
    http.get<SessionPage>(`${inProject(p)}/sessions`, { ...filter }).then((r) => r.items),
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
