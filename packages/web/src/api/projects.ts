import type { BodyOf, ResponseOf, Schema } from './contract.ts';
import { http, seg } from './http.ts';

export type Project = Schema<'Project'>;
export type StorageView = Schema<'StorageView'>;
export type StorageState = StorageView['state'];
export type StorageInput = BodyOf<'/api/projects/{p}/storage', 'put'>;
export type CreateProjectInput = BodyOf<'/api/projects', 'post'>;
export type Access = ResponseOf<'/api/projects/{p}/access', 'get'>;
export type Role = Access['role'];

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

const base = (p: string) => `/api/projects/${seg(p)}`;

export const projectsApi = {
  list: () => http.get<ResponseOf<'/api/projects', 'get'>>('/api/projects').then((r) => r.items),
  get: (p: string) => http.get<Project>(base(p)),
  create: (input: CreateProjectInput) => http.post<Project>('/api/projects', input),
  access: (p: string) => http.get<Access>(`${base(p)}/access`),
  storage: (p: string) => http.get<StorageView>(`${base(p)}/storage`),
  setStorage: (p: string, input: StorageInput) => http.put<StorageView>(`${base(p)}/storage`, input),
};
