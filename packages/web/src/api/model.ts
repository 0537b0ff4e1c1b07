import { http, seg } from './http.ts';

// Shapes of packages/server/src/routes/model/schema.ts.

export interface ModelLimits {
  sessionBudgetUsd: number | null;
  sessionBudgetTokens: number | null;
  maxTurns: number | null;
  monthlyBudgetUsd: number | null;
}

export interface ModelSettings {
  endpoint: string;
  endpointSource: 'project' | 'platform' | 'default';
  apiKey: 'set' | 'not-set';
  keySource: 'project' | 'platform' | 'none';
  keyUpdatedAt: string | null;
  defaultModel: string | null;
  limits: ModelLimits;
  configured: boolean;
  missing?: string;
  updatedAt: string | null;
}

export interface ModelSettingsInput {
  endpoint?: string | null;
  apiKey?: string;
  removeApiKey?: boolean;
  defaultModel?: string | null;
  limits?: Partial<ModelLimits>;
}

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface SessionUsage {
  session: string;
  totals: UsageTotals;
  budget: { usd: number | null; tokens: number | null };
}

export interface ProjectUsage {
  project: string;
  since: string;
  month: UsageTotals;
  monthlyBudgetUsd: number | null;
  workspaces: { workspace: string; month: UsageTotals }[];
}

const base = (p: string) => `/api/projects/${seg(p)}`;

export const modelApi = {
  get: (p: string) => http.get<ModelSettings>(`${base(p)}/model`),
  put: (p: string, input: ModelSettingsInput) => http.put<ModelSettings>(`${base(p)}/model`, input),
  sessionUsage: (p: string, s: string) => http.get<SessionUsage>(`${base(p)}/sessions/${seg(s)}/usage`),
  projectUsage: (p: string) => http.get<ProjectUsage>(`${base(p)}/usage`),
};

export const formatUsd = (usd: number): string =>
  usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
