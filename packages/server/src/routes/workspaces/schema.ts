import { type Static, Type } from '@sinclair/typebox';
import { BranchName, ProjectName, Timestamp } from '../../http/schemas.ts';

const RepoName = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}$' });
const OwnerName = Type.String({ pattern: '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$' });

export const WorkspaceSlug = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  minLength: 1,
  maxLength: 63,
});

export const WorkspaceParams = Type.Object(
  { p: ProjectName, w: WorkspaceSlug },
  { additionalProperties: false },
);

export const UpstreamInput = Type.Union(
  [
    Type.String({
      minLength: 3,
      maxLength: 300,
      description: 'owner/repo, or https://host/owner/repo(.git) on the configured Git host',
    }),
    Type.Object({ owner: OwnerName, repo: RepoName }, { additionalProperties: false }),
  ],
  { description: 'The umbrella repository; immutable after creation' },
);

export const ComponentInput = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-z0-9][a-z0-9._-]{0,62}$',
      description: 'Submodule directory under repos/',
    }),
    url: Type.String({
      minLength: 3,
      maxLength: 300,
      description: 'owner/repo or a URL on the configured Git host',
    }),
    required: Type.Optional(Type.Boolean({ default: true })),
    branch: Type.Optional(BranchName),
  },
  { additionalProperties: false },
);

export const CreateWorkspaceBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Human name; the slug is derived from it',
    }),
    upstream: UpstreamInput,
    components: Type.Optional(Type.Array(ComponentInput, { maxItems: 50 })),
    feature: Type.Optional(
      Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'Specify feature slug' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateWorkspaceBody = Static<typeof CreateWorkspaceBody>;

export const Submodule = Type.Object({
  path: Type.String(),
  repo: Type.String({ description: 'owner/name' }),
  url: Type.String(),
  branch: Type.Union([Type.String(), Type.Null()]),
  required: Type.Boolean(),
  lastResolvedSha: Type.Union([Type.String(), Type.Null()]),
});

export const Workspace = Type.Object(
  {
    id: Type.String(),
    slug: WorkspaceSlug,
    name: Type.String(),
    upstream: Type.Object({
      host: Type.String(),
      owner: Type.String(),
      repo: Type.String(),
      url: Type.String(),
    }),
    canonicalBranch: Type.String(),
    feature: Type.Union([Type.String(), Type.Null()]),
    storagePrefix: Type.String(),
    submodules: Type.Array(Submodule),
    createdBy: Type.String(),
    createdAt: Timestamp,
  },
  { $id: 'Workspace' },
);
export type Workspace = Static<typeof Workspace>;

export const WorkspaceList = Type.Object({ items: Type.Array(Type.Ref('Workspace')) });

export const PatchWorkspaceBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    upstream: Type.Optional(UpstreamInput),
  },
  { additionalProperties: false },
);

const CommitSummary = Type.Object({
  sha: Type.String(),
  message: Type.String(),
  author: Type.String(),
  date: Type.String(),
});

const PullSummary = Type.Object({
  number: Type.Integer(),
  title: Type.String(),
  url: Type.String(),
  head: Type.String(),
  state: Type.String(),
});

export const WorkspaceStatus = Type.Object(
  {
    canonicalBranch: Type.String(),
    defaultBranch: Type.String(),
    head: Type.Union([Type.String(), Type.Null()]),
    exists: Type.Boolean(),
    aheadBy: Type.Integer(),
    behindBy: Type.Integer(),
    lastCommit: Type.Union([CommitSummary, Type.Null()]),
    lastActivityAt: Type.Union([Type.String(), Type.Null()]),
    lastSyncAt: Type.String(),
    syncSource: Type.String({ description: 'create | webhook | periodic | manual' }),
    openPullRequests: Type.Array(PullSummary),
    warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
    sessions: Type.Array(
      Type.Object({
        id: Type.String(),
        status: Type.String(),
        outputBranch: Type.String(),
        pullRequests: Type.Array(
          Type.Object({
            repo: Type.String(),
            number: Type.Integer(),
            url: Type.String(),
            status: Type.String(),
            role: Type.String(),
          }),
        ),
      }),
    ),
  },
  { $id: 'WorkspaceStatus' },
);
export type WorkspaceStatus = Static<typeof WorkspaceStatus>;

export const BrowseQuery = Type.Object(
  {
    repo: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$',
        description: 'owner/name; the umbrella by default',
      }),
    ),
    ref: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'branch, tag or commit; the canonical branch by default',
      }),
    ),
    path: Type.Optional(Type.String({ maxLength: 1000, default: '' })),
  },
  { additionalProperties: false },
);
export type BrowseQuery = Static<typeof BrowseQuery>;

export const TreeEntry = Type.Object({
  name: Type.String(),
  path: Type.String(),
  type: Type.Union([
    Type.Literal('file'),
    Type.Literal('dir'),
    Type.Literal('submodule'),
    Type.Literal('symlink'),
  ]),
  size: Type.Optional(Type.Integer()),
  submodule: Type.Optional(
    Type.Object({
      repo: Type.Union([Type.String(), Type.Null()]),
      sha: Type.String(),
      url: Type.String(),
      accessible: Type.Boolean(),
      reason: Type.Optional(Type.String()),
    }),
  ),
});

export const Tree = Type.Object({
  repo: Type.String(),
  ref: Type.String(),
  path: Type.String(),
  entries: Type.Array(TreeEntry),
});

export const Blob = Type.Object({
  repo: Type.String(),
  ref: Type.String(),
  path: Type.String(),
  size: Type.Integer(),
  sha: Type.String(),
  encoding: Type.Union([Type.Literal('utf-8'), Type.Literal('none')]),
  content: Type.Union([Type.String(), Type.Null()]),
  binary: Type.Boolean(),
  tooLarge: Type.Boolean(),
  message: Type.Optional(Type.String()),
});
