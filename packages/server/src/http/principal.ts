import type { ProjectsTable } from '../db/schema.ts';
import type { User } from '../db/users.ts';
import type { ProjectCapability, Role, RouteAccess } from '../policies/capabilities.ts';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: User }
  | { kind: 'runner'; sessionId: string }
  /** A session's model key (model gateway only). */
  | { kind: 'model'; sessionId: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs; a route without it fails the route-coverage test and is refused at runtime. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    caller: Principal;
    /** Set for project routes once membership is checked. */
    project?: ProjectsTable;
    role?: Role | null;
    capabilities?: ProjectCapability[];
  }
}

export const SESSION_COOKIE = 'rfe_session';
