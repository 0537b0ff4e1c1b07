import { type Static, Type } from '@sinclair/typebox';
import { ProjectName, Timestamp } from '../../http/schemas.ts';

const Usd = (description: string) =>
  Type.Optional(Type.Union([Type.Number({ minimum: 0.0001, maximum: 1_000_000, description }), Type.Null()]));
const Count = (description: string, maximum: number) =>
  Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum, description }), Type.Null()]));

export const ModelLimits = Type.Object(
  {
    sessionBudgetUsd: Usd('Most a session may spend on the model, in USD; null = no limit'),
    sessionBudgetTokens: Count(
      'Most tokens (all kinds) a session may use; null = no limit',
      1_000_000_000_000,
    ),
    maxTurns: Count('Most agent turns per session; null = the agent default', 10_000),
    monthlyBudgetUsd: Usd(
      'Most the whole project may spend per calendar month (UTC), in USD; null = no limit',
    ),
  },
  { additionalProperties: false },
);
export type ModelLimits = Static<typeof ModelLimits>;

const ModelName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:@/-]*$',
  description: 'A model name the provider knows, e.g. claude-sonnet-4-5',
});

export const ModelSettingsInput = Type.Object(
  {
    endpoint: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()], {
        description:
          'Anthropic-compatible Messages API base URL (https); null or absent = the platform default (api.anthropic.com unless ANTHROPIC_BASE_URL says otherwise)',
      }),
    ),
    apiKey: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 500,
        pattern: '^[\\x21-\\x7e]+$',
        writeOnly: true,
        description:
          'Sets or rotates the provider key; stored encrypted and never returned. Absent = keep the current key',
      }),
    ),
    removeApiKey: Type.Optional(
      Type.Boolean({ description: 'Forget the stored key (the platform key applies, if any)' }),
    ),
    defaultModel: Type.Optional(Type.Union([ModelName, Type.Null()])),
    limits: Type.Optional(ModelLimits),
  },
  { additionalProperties: false },
);
export type ModelSettingsInput = Static<typeof ModelSettingsInput>;

export const ModelSettingsView = Type.Object(
  {
    endpoint: Type.String({ description: 'The provider the gateway forwards to' }),
    endpointSource: Type.Union([Type.Literal('project'), Type.Literal('platform'), Type.Literal('default')]),
    apiKey: Type.Union([Type.Literal('set'), Type.Literal('not-set')], {
      description: 'Whether the project stores its own key; the key itself is never returned',
    }),
    keySource: Type.Union([Type.Literal('project'), Type.Literal('platform'), Type.Literal('none')]),
    keyUpdatedAt: Type.Union([Timestamp, Type.Null()]),
    defaultModel: Type.Union([Type.String(), Type.Null()]),
    limits: ModelLimits,
    configured: Type.Boolean({ description: 'Sessions of this project can reach a model' }),
    missing: Type.Optional(Type.String({ description: 'What to set when not configured' })),
    updatedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { description: "A project's model provider and limits" },
);
export type ModelSettingsView = Static<typeof ModelSettingsView>;

export const UsageTotalsView = Type.Object(
  {
    requests: Type.Integer(),
    inputTokens: Type.Integer(),
    outputTokens: Type.Integer(),
    cacheReadTokens: Type.Integer(),
    cacheWriteTokens: Type.Integer(),
    totalTokens: Type.Integer(),
    costUsd: Type.Number(),
  },
  { description: 'Usage the provider reported, priced with the price table' },
);

export const SessionUsageView = Type.Object({
  session: Type.String(),
  totals: UsageTotalsView,
  budget: Type.Object({
    usd: Type.Union([Type.Number(), Type.Null()]),
    tokens: Type.Union([Type.Integer(), Type.Null()]),
  }),
});

export const ProjectUsageView = Type.Object({
  project: ProjectName,
  since: Timestamp,
  month: UsageTotalsView,
  monthlyBudgetUsd: Type.Union([Type.Number(), Type.Null()]),
  workspaces: Type.Array(Type.Object({ workspace: Type.String(), month: UsageTotalsView })),
});

export const GatewayParams = Type.Object(
  { s: Type.String({ pattern: '^[0-9A-Z]{26}$', description: 'session id' }) },
  { additionalProperties: false },
);
