import type { FastifyRequest } from 'fastify';
import type { User } from '../db/users.ts';
import { UnauthenticatedError } from '../errors.ts';

/** The signed-in user of a route whose access is 'signed-in' or a project capability. */
export function signedInUser(request: FastifyRequest): User {
  if (request.caller.kind !== 'user') throw new UnauthenticatedError();
  return request.caller.user;
}
