import type { PersistedEnvelope } from '@rfe/protocol';
import type { BodyOf, ResponseOf } from './contract.ts';
import { http, seg } from './http.ts';

type Messages = '/api/projects/{p}/sessions/{s}/messages';

/**
 * A page of the log; its items typed by the message types of @rfe/protocol, the package the server's
 * PersistedMessage schema is built from.
 */
export type MessagePage = Omit<ResponseOf<Messages, 'get'>, 'items'> & { items: PersistedEnvelope[] };

export type SessionInput = BodyOf<Messages, 'post'>;

const base = (p: string, s: string) => `/api/projects/${seg(p)}/sessions/${seg(s)}`;

export const messagesApi = {
  page: (p: string, s: string, after: number, limit: number) =>
    http.get<MessagePage>(`${base(p, s)}/messages`, { after, limit }),
  send: (p: string, s: string, input: SessionInput) =>
    http.post<ResponseOf<Messages, 'post'>>(`${base(p, s)}/messages`, input),
  /** Relative; the protocol client resolves it against the page and switches to ws(s). */
  streamUrl: (p: string, s: string) => `${base(p, s)}/stream`,
};
