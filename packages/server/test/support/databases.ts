import { createTestDatabase } from './postgres.ts';

/** The two metadata databases the platform runs on. Every route suite runs once on each. */
export type DatabaseKind = 'sqlite' | 'postgres';

/** For `describe.each(DATABASES)('… (%s)', (database) => …)`: the suite name says which database it ran on. */
export const DATABASES: readonly DatabaseKind[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  /** `DATABASE_URL` for PostgreSQL; undefined for SQLite (the file in the data directory). */
  databaseUrl?: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database of the given kind. PostgreSQL needs TEST_DATABASE_URL (scripts/test.sh and
 * scripts/services.sh export it); without it a PostgreSQL variant fails, it is never skipped.
 */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') return { drop: async () => {} };
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    throw new Error(
      'TEST_DATABASE_URL is not set, so the PostgreSQL variant of this suite cannot run: ' +
        '`source scripts/services.sh && ensure_postgres` first, or run the suite through scripts/test.sh.',
    );
  }
  const db = await createTestDatabase(adminUrl);
  return { databaseUrl: db.url, drop: db.drop };
}
