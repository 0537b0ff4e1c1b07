import { type Db, now } from './database.ts';
import type { GithubLinksTable } from './schema.ts';

/** A user's GitHub account as the platform knows it; the refresh token stays sealed here. */
export interface GithubLink {
  userId: string;
  githubUserId: number;
  login: string;
  installationIds: number[];
  host: string;
  refreshTokenSealed: string | null;
  refreshExpiresAt: string | null;
  updatedAt: string;
}

const toLink = (r: GithubLinksTable): GithubLink => ({
  userId: r.user_id,
  githubUserId: Number(r.github_user_id),
  login: r.login,
  installationIds: JSON.parse(r.installation_ids),
  host: r.host,
  refreshTokenSealed: r.refresh_token_enc,
  refreshExpiresAt: r.refresh_expires_at,
  updatedAt: r.updated_at,
});

export async function findGithubLink(db: Db, userId: string): Promise<GithubLink | null> {
  const row = await db
    .selectFrom('github_links')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? toLink(row) : null;
}

/** Creates or replaces the user's link (one GitHub account per platform user). */
export async function saveGithubLink(db: Db, link: Omit<GithubLink, 'updatedAt'>): Promise<GithubLink> {
  const row: GithubLinksTable = {
    user_id: link.userId,
    github_user_id: link.githubUserId,
    login: link.login,
    installation_ids: JSON.stringify(link.installationIds),
    host: link.host,
    refresh_token_enc: link.refreshTokenSealed,
    refresh_expires_at: link.refreshExpiresAt,
    updated_at: now(),
  };
  const { user_id: _id, ...changes } = row;
  await db
    .insertInto('github_links')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(changes))
    .execute();
  return toLink(row);
}

/** Stores the rotated refresh token after a refresh. */
export async function updateGithubRefreshToken(
  db: Db,
  userId: string,
  refreshTokenSealed: string | null,
  refreshExpiresAt: string | null,
): Promise<void> {
  await db
    .updateTable('github_links')
    .set({ refresh_token_enc: refreshTokenSealed, refresh_expires_at: refreshExpiresAt, updated_at: now() })
    .where('user_id', '=', userId)
    .execute();
}

export async function deleteGithubLink(db: Db, userId: string): Promise<GithubLink | null> {
  const existing = await findGithubLink(db, userId);
  if (existing) await db.deleteFrom('github_links').where('user_id', '=', userId).execute();
  return existing;
}
