import { Type } from '@sinclair/typebox';
import { ProjectName, Timestamp } from '../../http/schemas.ts';

export const RoleSchema = Type.Union([Type.Literal('view'), Type.Literal('edit'), Type.Literal('admin')]);

/** `user:alice` or `group:acme-readers` (a bare name means a user). */
export const SubjectParam = Type.String({
  pattern: '^((user|group):)?[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$',
  description: 'user:NAME, group:NAME, or NAME (a user)',
});

export const MemberParams = Type.Object(
  { p: ProjectName, subject: SubjectParam },
  { additionalProperties: false },
);

export const PutMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });

export const Member = Type.Object({
  subject: Type.String(),
  kind: Type.Union([Type.Literal('user'), Type.Literal('group')]),
  role: RoleSchema,
  createdAt: Timestamp,
});

export const MemberList = Type.Object({ items: Type.Array(Member) });
