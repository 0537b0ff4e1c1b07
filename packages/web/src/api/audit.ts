import type { QueryOf, ResponseOf } from './contract.ts';
import { http, seg } from './http.ts';

type Audit = '/api/projects/{p}/audit';
export type AuditPage = ResponseOf<Audit, 'get'>;
export type AuditEvent = AuditPage['items'][number];
export type AuditFilter = QueryOf<Audit, 'get'>;

export const auditApi = {
  list: (p: string, filter: AuditFilter) =>
    http.get<AuditPage>(`/api/projects/${seg(p)}/audit`, { ...filter }),
};
