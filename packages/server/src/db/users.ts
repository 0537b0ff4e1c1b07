import { hashToken, newToken } from '../crypto/tokens.ts';
import { type Db, now } from './database.ts';
import { newId } from './ids.ts';
import type { UsersTable } from './schema.ts';

export interface User {
  id: string;
  subject: string;
  name: string;
  email: string;
  groups: string[];
}

export function toUser(row: UsersTable): User {
  return {
    id: row.id,
    subject: row.subject,
    name: row.name,
    email: row.email,
    groups: JSON.parse(row.groups),
  };
}

/** The identity provider is the source of truth: a user row is created or refreshed on each sign-in. */
export async function upsertUser(db: Db, u: Omit<User, 'id'>): Promise<User> {
  const existing = await db
    .selectFrom('users')
    .selectAll()
    .where('subject', '=', u.subject)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('users')
      .set({ name: u.name, email: u.email, groups: JSON.stringify(u.groups) })
      .where('id', '=', existing.id)
      .execute();
    return { ...u, id: existing.id };
  }
  const id = newId();
  await db
    .insertInto('users')
    .values({
      id,
      subject: u.subject,
      name: u.name,
      email: u.email,
      groups: JSON.stringify(u.groups),
      created_at: now(),
    })
    .execute();
  return { ...u, id };
}

export async function findUserById(db: Db, id: string): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserBySubject(db: Db, subject: string): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('subject', '=', subject).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('subject').execute()).map(toUser);
}

/** Creates a per-user API token; the plain token is returned once and only its hash is stored. */
export async function createApiToken(
  db: Db,
  userId: string,
  name: string,
  ttlMs?: number,
): Promise<{ id: string; token: string; expiresAt: string | null }> {
  const token = newToken('rfe');
  const id = newId();
  const expiresAt = ttlMs ? new Date(Date.now() + ttlMs).toISOString() : null;
  await db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: userId,
      name,
      token_hash: hashToken(token),
      created_at: now(),
      expires_at: expiresAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { id, token, expiresAt };
}

export async function findUserByApiToken(db: Db, token: string): Promise<User | null> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.expires_at', 'api_tokens.revoked_at', 'api_tokens.id as token_id'])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now())) return null;
  return toUser(row);
}

export async function listApiTokens(db: Db, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
