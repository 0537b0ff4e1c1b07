import type { PersistedEnvelope } from '@rfe/protocol';
import { http, seg } from './http.ts';

export interface MessagePage {
  items: PersistedEnvelope[];
  /** Cursor for the next page (the last seq of this one). */
  nextAfter: number;
  /** The last seq in the session's log right now. */
  lastSeq: number;
}

export type SessionInput =
  | { type: 'prompt'; payload: { text: string } }
  | { type: 'cancel'; payload: { reason: string } };

const base = (p: string, s: string) => `/api/projects/${seg(p)}/sessions/${seg(s)}`;

export const messagesApi = {
  page: (p: string, s: string, after: number, limit: number) =>
    http.get<MessagePage>(`${base(p, s)}/messages`, { after, limit }),
  send: (p: string, s: string, input: SessionInput) => http.post<unknown>(`${base(p, s)}/messages`, input),
  /** Relative; the protocol client resolves it against the page and switches to ws(s). */
  streamUrl: (p: string, s: string) => `${base(p, s)}/stream`,
};
