import { http, seg } from './http.ts';

export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  details: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEvent[];
  nextBefore?: string;
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  before?: string;
  limit?: number;
}

export const auditApi = {
  list: (p: string, filter: AuditFilter) =>
    http.get<AuditPage>(`/api/projects/${seg(p)}/audit`, { ...filter }),
};
