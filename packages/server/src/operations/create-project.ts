import type { AppContext } from '../context.ts';
import { appendAudit } from '../db/audit.ts';
import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { findProjectByName, insertProject, updateProjectStorage } from '../db/projects.ts';
import type { ProjectsTable } from '../db/schema.ts';
import type { User } from '../db/users.ts';
import { ConflictError } from '../errors.ts';
import type { CreateProjectBody } from '../routes/projects/schema.ts';
import { verifyStorage } from './verify-storage.ts';

/**
 * Creates a project whose storage is usable. External storage is probed before anything is written, so a
 * failure leaves no row and no object; managed storage is provisioned while the row says `provisioning`
 * and the row is removed again if provisioning fails.
 */
export async function createProject(
  ctx: AppContext,
  actor: User,
  input: CreateProjectBody,
): Promise<ProjectsTable> {
  if (await findProjectByName(ctx.db, input.name)) {
    throw new ConflictError(
      `A project named "${input.name}" already exists; pick another name.`,
      { field: 'name' },
      'name_taken',
    );
  }
  const verified = await verifyStorage(ctx, input.name, input.storage);
  const row: ProjectsTable = {
    id: newId(),
    name: input.name,
    display_name: input.displayName ?? input.name,
    storage_kind: verified.settings.kind,
    storage_state: verified.settings.kind === 'managed' ? 'provisioning' : 'ready',
    storage_settings: JSON.stringify(verified.settings),
    storage_secret: null,
    storage_error: null,
    created_by: actor.subject,
    created_at: now(),
  };
  if (verified.credentials)
    row.storage_secret = ctx.secretBox.seal(JSON.stringify(verified.credentials), row.id);

  try {
    await ctx.db.transaction().execute((trx) => insertProject(trx, row, actor.subject));
  } catch (err) {
    // Two creators racing for one name: the unique index decides.
    if (await findProjectByName(ctx.db, input.name)) {
      throw new ConflictError(
        `A project named "${input.name}" already exists; pick another name.`,
        { field: 'name' },
        'name_taken',
      );
    }
    throw err;
  }

  if (verified.provision) {
    try {
      await verified.provision();
    } catch (err) {
      await ctx.db.deleteFrom('projects').where('id', '=', row.id).execute();
      throw err;
    }
    await updateProjectStorage(ctx.db, row.id, { storage_state: 'ready', storage_error: null });
    row.storage_state = 'ready';
  }

  await appendAudit(ctx.db, {
    actor: actor.subject,
    action: 'project.create',
    projectId: row.id,
    target: `project:${row.name}`,
    details: { storage: row.storage_kind },
  });
  return row;
}
