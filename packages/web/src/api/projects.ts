import { http, seg } from './http.ts';

export type Role = 'view' | 'edit' | 'admin';
export type StorageState = 'provisioning' | 'ready' | 'failed';

export interface StorageView {
  kind: 'managed' | 'external';
  state: StorageState;
  error?: string;
  endpoint?: string;
  region?: string;
  bucket?: string;
  prefix?: string;
  forcePathStyle?: boolean;
  credentials?: 'stored';
}

export interface Project {
  name: string;
  displayName: string;
  storage: StorageView;
  createdBy: string;
  createdAt: string;
}

export interface ExternalStorageInput {
  kind: 'external';
  endpoint?: string;
  region?: string;
  bucket: string;
  prefix?: string;
  forcePathStyle?: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

export type StorageInput = { kind: 'managed' } | ExternalStorageInput;

export interface CreateProjectInput {
  name: string;
  displayName?: string;
  storage: StorageInput;
}

/** The project capabilities of SPEC §7, as the server names them. */
export type Capability =
  | 'project.view'
  | 'session.start'
  | 'session.cancel.own'
  | 'session.input'
  | 'specify.run'
  | 'workspace.sync'
  | 'session.cancel.any'
  | 'workspace.manage'
  | 'storage.manage'
  | 'model.manage'
  | 'members.manage'
  | 'audit.read';

export interface Access {
  role: Role;
  capabilities: string[];
  /** Every capability with the role that grants it. */
  grants: Record<string, Role>;
}

const base = (p: string) => `/api/projects/${seg(p)}`;

export const projectsApi = {
  list: () => http.get<{ items: Project[] }>('/api/projects').then((r) => r.items),
  get: (p: string) => http.get<Project>(base(p)),
  create: (input: CreateProjectInput) => http.post<Project>('/api/projects', input),
  access: (p: string) => http.get<Access>(`${base(p)}/access`),
  storage: (p: string) => http.get<StorageView>(`${base(p)}/storage`),
  setStorage: (p: string, input: StorageInput) => http.put<StorageView>(`${base(p)}/storage`, input),
};
