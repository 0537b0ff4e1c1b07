import type { ResponseOf } from './contract.ts';
import { http, seg } from './http.ts';
import type { Role } from './projects.ts';

type Members = '/api/projects/{p}/members';
export type Member = ResponseOf<Members, 'get'>['items'][number];

/** The path form of a member: `user:bob` or `group:acme-readers`. */
export const memberKey = (m: Pick<Member, 'kind' | 'subject'>) => `${m.kind}:${m.subject}`;

const base = (p: string) => `/api/projects/${seg(p)}/members`;

export const membersApi = {
  list: (p: string) => http.get<ResponseOf<Members, 'get'>>(base(p)).then((r) => r.items),
  put: (p: string, subject: string, role: Role) => http.put<Member>(`${base(p)}/${seg(subject)}`, { role }),
  remove: (p: string, subject: string) => http.delete(`${base(p)}/${seg(subject)}`),
};
