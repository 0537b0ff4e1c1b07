import { type TSchema, Type } from '@sinclair/typebox';

/** Shapes shared by many routes. Route-specific shapes live in routes/{resource}/schema.ts. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorBody', description: 'Every error response' },
);

const errorStatuses = [400, 401, 403, 404, 409, 413, 422, 502, 503] as const;
type ErrorStatus = (typeof errorStatuses)[number];

/** Response schemas for the error statuses a route can return. */
export function errorResponses(...statuses: ErrorStatus[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of [400, 401, ...statuses]) out[s] = Type.Ref('ErrorBody');
  return out;
}

export const ProjectName = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  minLength: 1,
  maxLength: 63,
  description: 'A DNS label: lowercase letters, digits and hyphens, 1–63 characters',
});

export const ProjectParams = Type.Object({ p: ProjectName }, { additionalProperties: false });

export const Timestamp = Type.String({ format: 'date-time' });

/** A Git branch name as `git check-ref-format --branch` accepts it (no "..", "//", "@{", control characters). */
export const BranchName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^(?!/)(?!.*//)(?!.*\\.\\.)(?!.*@\\{)[^\\s~^:?*\\[\\\\]+(?<!/)(?<!\\.lock)$',
  description: 'A Git branch name',
});
