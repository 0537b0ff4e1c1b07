import { type Static, Type } from '@sinclair/typebox';
import { BranchName, ProjectName, Timestamp } from '../../http/schemas.ts';

const FullName = Type.String({ pattern: '^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$', description: 'owner/name' });

export const StartSessionBody = Type.Object(
  {
    adapter: Type.Union([Type.Literal('localexec'), Type.Literal('claude')]),
    prompt: Type.String({ minLength: 1, maxLength: 100_000 }),
    title: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: "Shown in lists and as the PR title; default: the prompt's first line",
      }),
    ),
    fork: Type.Optional(FullName),
    createFork: Type.Optional(
      Type.Boolean({ description: 'Fork the upstream to my account when I have no fork' }),
    ),
    inputBranch: Type.Optional(BranchName),
    outputBranch: Type.Optional(BranchName),
    directPush: Type.Optional(
      Type.Boolean({ description: 'Push to the upstreams directly (needs write access) instead of PRs' }),
    ),
  },
  { additionalProperties: false },
);
export type StartSessionBody = Static<typeof StartSessionBody>;

export const SpecifyBody = Type.Object(
  {
    feature: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
        description: 'specs/{feature}/; from the workspace by default',
      }),
    ),
    description: Type.String({ minLength: 1, maxLength: 20_000 }),
    title: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "Default: the description's first line" }),
    ),
  },
  { additionalProperties: false },
);
export type SpecifyBody = Static<typeof SpecifyBody>;

export const SessionParams = Type.Object(
  { p: ProjectName, s: Type.String({ pattern: '^[0-9A-Z]{26}$', description: 'session id' }) },
  { additionalProperties: false },
);

export const SessionListQuery = Type.Object(
  {
    workspace: Type.Optional(Type.String({ maxLength: 63 })),
    user: Type.Optional(Type.String({ maxLength: 128 })),
    status: Type.Optional(
      Type.Union(['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
    ),
    before: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{26}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const PullRequestLink = Type.Object({
  repo: Type.String(),
  number: Type.Integer(),
  url: Type.String(),
  head: Type.String(),
  base: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('merged'), Type.Literal('closed')]),
  role: Type.Union([Type.Literal('umbrella'), Type.Literal('submodule')]),
  title: Type.Optional(Type.String({ description: 'From the Git host (GET of one session only)' })),
  additions: Type.Optional(Type.Integer()),
  deletions: Type.Optional(Type.Integer()),
  changedFiles: Type.Optional(Type.Integer()),
});

export const Session = Type.Object(
  {
    id: Type.String(),
    workspace: Type.String(),
    user: Type.String(),
    kind: Type.Union([Type.Literal('session'), Type.Literal('specify')]),
    adapter: Type.String(),
    title: Type.String({ description: 'Given at start, else the first line of the prompt' }),
    prompt: Type.String(),
    input: Type.Object({ repo: Type.String(), branch: Type.String() }),
    output: Type.Object({ repo: Type.Union([Type.String(), Type.Null()]), branch: Type.String() }),
    directPush: Type.Boolean(),
    status: Type.Union(['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
    flags: Type.Array(Type.String()),
    skippedSubmodules: Type.Array(
      Type.Object({ path: Type.String(), repo: Type.String(), reason: Type.String() }),
    ),
    error: Type.Union([Type.String(), Type.Null()]),
    remediation: Type.Union([Type.String(), Type.Null()]),
    errorCode: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'Why it failed, for code: budget_exceeded …' }),
    ),
    pullRequests: Type.Array(PullRequestLink),
    combinedPrStatus: Type.Union(
      ['none', 'open', 'partially-merged', 'merged', 'closed'].map((s) => Type.Literal(s)),
    ),
    createdAt: Timestamp,
    startedAt: Type.Union([Timestamp, Type.Null()]),
    finishedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'Session' },
);
export type Session = Static<typeof Session>;

export const SessionList = Type.Object({
  items: Type.Array(Type.Ref('Session')),
  nextBefore: Type.Optional(Type.String()),
});
