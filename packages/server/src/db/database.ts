import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import * as initial from './migrations/0001-initial.ts';
import * as sessionDetails from './migrations/0004-session-details.ts';
import * as durableSessions from './migrations/0005-durable-sessions.ts';
import * as sessionCredentials from './migrations/0006-session-credentials.ts';
import * as modelGateway from './migrations/0007-model-gateway.ts';
import * as logWriterLeases from './migrations/0008-log-writer-leases.ts';
import * as sessionTitle from './migrations/0009-session-title.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type DbDialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Db;
  dialect: DbDialect;
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0004-session-details': sessionDetails,
  '0005-durable-sessions': durableSessions,
  '0006-session-credentials': sessionCredentials,
  '0007-model-gateway': modelGateway,
  '0008-log-writer-leases': logWriterLeases,
  '0009-session-title': sessionTitle,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** PostgreSQL when a URL is given, otherwise an SQLite file (or ':memory:'). */
export function openDatabase(opts: { databaseUrl?: string; sqliteFile?: string }): DatabaseHandle {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection the server cuts (restart, failover, dropped database) is discarded by the pool; the
    // next query reconnects or fails with the reason (readyz names it). Unhandled, it would kill the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<void> {
  // Migration numbers are assigned per change, and changes land in any order: a database that already has
  // 0009 still gets 0005 (each migration touches only its own columns and tables).
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

export const now = (): string => new Date().toISOString();
