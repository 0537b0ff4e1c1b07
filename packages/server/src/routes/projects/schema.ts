import { type Static, Type } from '@sinclair/typebox';
import { ProjectName, Timestamp } from '../../http/schemas.ts';

export const StorageInput = Type.Object(
  {
    kind: Type.Union([Type.Literal('managed'), Type.Literal('external')], {
      description: 'managed: the platform provisions a prefix on its own store; external: your S3 bucket',
    }),
    endpoint: Type.Optional(
      Type.String({ format: 'uri', maxLength: 500, description: 'S3 endpoint; AWS when omitted' }),
    ),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' })),
    bucket: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 63,
        pattern: '^[a-z0-9][a-z0-9.-]*[a-z0-9]$',
        description: 'S3 bucket name',
      }),
    ),
    prefix: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: '^([A-Za-z0-9._-]+/)*$',
        description: 'Key prefix ending in /',
      }),
    ),
    forcePathStyle: Type.Optional(Type.Boolean()),
    accessKeyId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    secretAccessKey: Type.Optional(Type.String({ minLength: 1, maxLength: 512, writeOnly: true })),
  },
  { additionalProperties: false },
);
export type StorageInput = Static<typeof StorageInput>;

export const CreateProjectBody = Type.Object(
  {
    name: ProjectName,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    storage: StorageInput,
  },
  { additionalProperties: false },
);
export type CreateProjectBody = Static<typeof CreateProjectBody>;

export const StorageView = Type.Object(
  {
    kind: Type.Union([Type.Literal('managed'), Type.Literal('external')]),
    state: Type.Union([Type.Literal('provisioning'), Type.Literal('ready'), Type.Literal('failed')]),
    error: Type.Optional(Type.String()),
    endpoint: Type.Optional(Type.String()),
    region: Type.Optional(Type.String()),
    bucket: Type.Optional(Type.String()),
    prefix: Type.Optional(Type.String()),
    forcePathStyle: Type.Optional(Type.Boolean()),
    credentials: Type.Optional(
      Type.Literal('stored', { description: 'Credentials are stored encrypted and never returned' }),
    ),
  },
  { $id: 'StorageView' },
);
export type StorageView = Static<typeof StorageView>;

export const Project = Type.Object(
  {
    name: ProjectName,
    displayName: Type.String(),
    storage: Type.Ref('StorageView'),
    createdBy: Type.String(),
    createdAt: Timestamp,
  },
  { $id: 'Project' },
);
export type Project = Static<typeof Project> & { storage: StorageView };

export const ProjectList = Type.Object({ items: Type.Array(Type.Ref('Project')) });
