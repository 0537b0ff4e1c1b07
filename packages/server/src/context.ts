import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { type KeyMaterial, loadKeyMaterial } from './crypto/key-material.ts';
import { RunnerTokens } from './crypto/runner-tokens.ts';
import { SecretBox } from './crypto/secret-box.ts';
import { type Db, type DbDialect, migrateToLatest, openDatabase } from './db/database.ts';
import { upsertUser } from './db/users.ts';
import { devUsers } from './auth/dev-users.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { ProjectStores } from './operations/project-storage.ts';
import { createObjectStore, type ObjectStore } from './storage/index.ts';

/** Everything a route or operation needs, built once per process from the configuration. */
export interface AppContext {
  config: Config;
  db: Db;
  dialect: DbDialect;
  platformStore: ObjectStore;
  projectStores: ProjectStores;
  keys: KeyMaterial;
  secretBox: SecretBox;
  runnerTokens: RunnerTokens;
  logger: Logger;
  metrics: Metrics;
  close(): Promise<void>;
}

export async function createContext(config: Config, opts: { logger?: Logger } = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const handle = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'rfe.db') });
  await migrateToLatest(handle.db);
  if (config.authMode === 'dev') {
    for (const u of devUsers) await upsertUser(handle.db, u);
  }
  const keys = loadKeyMaterial({
    dataDir: config.dataDir,
    sessionSecret: config.sessionSecret,
    encryptionKey: config.encryptionKey,
  });
  const platformStore =
    config.objectStore === 's3'
      ? createObjectStore({
          driver: 's3',
          endpoint: config.s3Endpoint,
          region: config.s3Region,
          bucket: config.s3Bucket!,
          forcePathStyle: config.s3ForcePathStyle,
          accessKeyId: config.s3AccessKeyId,
          secretAccessKey: config.s3SecretAccessKey,
        })
      : createObjectStore({ driver: 'directory', root: path.join(config.dataDir, 'objects') });
  const secretBox = new SecretBox(keys.encryptionKey);
  const ctx: AppContext = {
    config,
    db: handle.db,
    dialect: handle.dialect,
    platformStore,
    projectStores: new ProjectStores({ platformStore, secretBox }),
    keys,
    secretBox,
    runnerTokens: new RunnerTokens(keys.sessionSecret),
    logger,
    metrics: createMetrics(),
    close: () => handle.close(),
  };
  return ctx;
}
