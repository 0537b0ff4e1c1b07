import { Type } from '@sinclair/typebox';
import { Timestamp } from '../../http/schemas.ts';

export const Me = Type.Object({
  subject: Type.String(),
  name: Type.String(),
  email: Type.String(),
  groups: Type.Array(Type.String()),
});

export const DevLoginBody = Type.Object(
  { user: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' }) },
  { additionalProperties: false },
);

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    ttlDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
);

export const TokenInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});

export const CreatedToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  token: Type.String({ description: 'Shown once; only its hash is stored' }),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
});

export const DevUsers = Type.Object({ mode: Type.String(), users: Type.Array(Me) });
