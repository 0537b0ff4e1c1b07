import pg from 'pg';

/**
 * PostgreSQL for tests. scripts/test.sh starts the Debian cluster and exports TEST_DATABASE_URL; in CI a
 * missing PostgreSQL is a failure, never a skip.
 */
export function postgresAdminUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.CI) {
    throw new Error(
      'TEST_DATABASE_URL is not set: run the suite through scripts/test.sh, which starts PostgreSQL.',
    );
  }
  return url;
}

/** A fresh, empty database for one test file; dropped by the returned cleanup. */
export async function createTestDatabase(
  adminUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `rfe_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
