import type { Db } from '../db/database.ts';
import { listProjectsFor, roleOf } from '../db/projects.ts';
import type { ProjectsTable } from '../db/schema.ts';
import type { User } from '../db/users.ts';
import type { Role } from './capabilities.ts';

/** Where a user's role in a project comes from (RBAC_MODE): project members in the database, or the cluster. */
export interface RoleResolver {
  roleOf(project: ProjectsTable, user: User): Promise<Role | null>;
  /** The projects the user has a role in (the project list), from the same source as `roleOf`. */
  projectsFor(user: User): Promise<ProjectsTable[]>;
  /** Why project members cannot be written here, or null when the members API manages roles. */
  membersReadOnly(project: ProjectsTable): string | null;
}

/** RBAC_MODE=database: the strongest of the user's direct and group memberships. */
export class MemberRoles implements RoleResolver {
  constructor(private readonly db: Db) {}

  roleOf(project: ProjectsTable, user: User): Promise<Role | null> {
    return roleOf(this.db, project.id, user);
  }

  projectsFor(user: User): Promise<ProjectsTable[]> {
    return listProjectsFor(this.db, user);
  }

  membersReadOnly(): null {
    return null;
  }
}
