import { Type } from '@sinclair/typebox';
import { Timestamp } from '../../http/schemas.ts';

export const GithubStatus = Type.Object({
  linked: Type.Boolean(),
  login: Type.Optional(Type.String()),
  githubUserId: Type.Optional(Type.Integer()),
  installationIds: Type.Optional(Type.Array(Type.Integer())),
  host: Type.Optional(Type.String()),
  updatedAt: Type.Optional(Timestamp),
});

export const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 512 })),
  installation_id: Type.Optional(Type.Integer({ minimum: 1 })),
  setup_action: Type.Optional(Type.String({ maxLength: 32 })),
  state: Type.Optional(Type.String({ maxLength: 2048 })),
});

export const RepoFullName = Type.String({
  pattern: '^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$',
  description: 'owner/name',
});

export const Fork = Type.Object({
  fullName: Type.String(),
  owner: Type.String(),
  name: Type.String(),
  htmlUrl: Type.String(),
  cloneUrl: Type.String(),
  defaultBranch: Type.String(),
  private: Type.Boolean(),
});

export const ForkList = Type.Object({ items: Type.Array(Fork) });
export const CreateForkBody = Type.Object({ repo: RepoFullName }, { additionalProperties: false });
