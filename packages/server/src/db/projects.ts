import type { Transaction } from 'kysely';
import { type Role, strongestRole } from '../policies/capabilities.ts';
import { type Db, now } from './database.ts';
import type { Database, ProjectMembersTable, ProjectsTable } from './schema.ts';
import type { User } from './users.ts';

export async function findProjectByName(db: Db, name: string): Promise<ProjectsTable | undefined> {
  return db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
}

/** The user's role: the strongest of their direct membership and their groups' memberships. */
export async function roleOf(db: Db, projectId: string, user: User): Promise<Role | null> {
  const rows = await db
    .selectFrom('project_members')
    .select('role')
    .where('project_id', '=', projectId)
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_kind', '=', 'user'), eb('subject', '=', user.subject)]),
        ...(user.groups.length
          ? [eb.and([eb('subject_kind', '=', 'group'), eb('subject', 'in', user.groups)])]
          : []),
      ]),
    )
    .execute();
  return strongestRole(rows.map((r) => r.role));
}

export async function listProjectsFor(db: Db, user: User): Promise<ProjectsTable[]> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('project_members')
          .select('project_members.project_id')
          .whereRef('project_members.project_id', '=', 'projects.id')
          .where((m) =>
            m.or([
              m.and([m('subject_kind', '=', 'user'), m('subject', '=', user.subject)]),
              ...(user.groups.length
                ? [m.and([m('subject_kind', '=', 'group'), m('subject', 'in', user.groups)])]
                : []),
            ]),
          ),
      ),
    )
    .orderBy('name')
    .execute();
}

export async function insertProject(
  trx: Transaction<Database> | Db,
  project: ProjectsTable,
  creatorSubject: string,
): Promise<void> {
  await trx.insertInto('projects').values(project).execute();
  await trx
    .insertInto('project_members')
    .values({
      project_id: project.id,
      subject_kind: 'user',
      subject: creatorSubject,
      role: 'admin',
      created_at: now(),
    })
    .execute();
}

export async function updateProjectStorage(
  db: Db,
  id: string,
  patch: Pick<ProjectsTable, 'storage_state' | 'storage_error'> & Partial<ProjectsTable>,
): Promise<void> {
  await db.updateTable('projects').set(patch).where('id', '=', id).execute();
}

export async function listMembers(db: Db, projectId: string): Promise<ProjectMembersTable[]> {
  return db
    .selectFrom('project_members')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('subject_kind')
    .orderBy('subject')
    .execute();
}

export async function putMember(
  db: Db,
  m: Omit<ProjectMembersTable, 'created_at'>,
): Promise<'created' | 'updated'> {
  const existing = await db
    .selectFrom('project_members')
    .select('role')
    .where('project_id', '=', m.project_id)
    .where('subject_kind', '=', m.subject_kind)
    .where('subject', '=', m.subject)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('project_members')
      .set({ role: m.role })
      .where('project_id', '=', m.project_id)
      .where('subject_kind', '=', m.subject_kind)
      .where('subject', '=', m.subject)
      .execute();
    return 'updated';
  }
  await db
    .insertInto('project_members')
    .values({ ...m, created_at: now() })
    .execute();
  return 'created';
}

export async function deleteMember(
  db: Db,
  projectId: string,
  subjectKind: 'user' | 'group',
  subject: string,
): Promise<boolean> {
  const res = await db
    .deleteFrom('project_members')
    .where('project_id', '=', projectId)
    .where('subject_kind', '=', subjectKind)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function countAdmins(db: Db, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('project_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
