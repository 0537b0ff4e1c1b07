import type { BodyOf, ResponseOf } from './contract.ts';
import { http, seg } from './http.ts';

type Model = '/api/projects/{p}/model';
export type ModelSettings = ResponseOf<Model, 'get'>;
export type ModelLimits = ModelSettings['limits'];
export type ModelSettingsInput = BodyOf<Model, 'put'>;
export type SessionUsage = ResponseOf<'/api/projects/{p}/sessions/{s}/usage', 'get'>;
export type UsageTotals = SessionUsage['totals'];
export type ProjectUsage = ResponseOf<'/api/projects/{p}/usage', 'get'>;

const base = (p: string) => `/api/projects/${seg(p)}`;

export const modelApi = {
  get: (p: string) => http.get<ModelSettings>(`${base(p)}/model`),
  put: (p: string, input: ModelSettingsInput) => http.put<ModelSettings>(`${base(p)}/model`, input),
  sessionUsage: (p: string, s: string) => http.get<SessionUsage>(`${base(p)}/sessions/${seg(s)}/usage`),
  projectUsage: (p: string) => http.get<ProjectUsage>(`${base(p)}/usage`),
};

export const formatUsd = (usd: number): string =>
  usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
