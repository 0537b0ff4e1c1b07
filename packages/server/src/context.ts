import path from 'node:path';
import type { Logger } from 'pino';
import { devUsers } from './auth/dev-users.ts';
import type { Config } from './config/config.ts';
import { type KeyMaterial, loadKeyMaterial } from './crypto/key-material.ts';
import { RunnerTokens } from './crypto/runner-tokens.ts';
import { SecretBox } from './crypto/secret-box.ts';
import { type Db, type DbDialect, migrateToLatest, openDatabase } from './db/database.ts';
import { upsertUser } from './db/users.ts';
import type { GithubServices } from './github/github-services.ts';
import { attachGithub, githubSettingsFromConfig } from './github/github-services.ts';
import { kubernetesLauncherFromConfig } from './launchers/kubernetes/from-config.ts';
import { parseUidRange } from './launchers/process/agent-uids.ts';
import { ProcessLauncher } from './launchers/process/process-launcher.ts';
import { createMessagingHub, type MessagingHub } from './messaging/index.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { ProjectStores } from './operations/project-storage.ts';
import { createRoleResolver } from './policies/create-role-resolver.ts';
import type { RoleResolver } from './policies/role-resolver.ts';
import { reissueRunnerSecrets } from './sessions/runner-secrets.ts';
import { SessionManager } from './sessions/session-manager.ts';
import { createObjectStore, type ObjectStore } from './storage/index.ts';
import { StatusSyncer } from './workspaces/status-syncer.ts';

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
  /** Where project roles come from (RBAC_MODE). */
  roles: RoleResolver;
  /** The Git host; set by `rfe up` (bundled forge) or from GITHUB_* settings, and by tests. */
  github?: GithubServices;
  /** Keeps workspaces' upstream status current (webhooks, timer, Sync now). */
  statusSyncer: StatusSyncer;
  /** Running sessions: launcher, PR work, final status. */
  sessions: SessionManager;
  /** The URL the server listens on, once it does (runners connect back to it). */
  listenUrl?: string;
  /** Session message logs, sequencers and fan-out (SPEC §5). */
  messaging: MessagingHub;
  close(): Promise<void>;
}

export async function createContext(config: Config, opts: { logger?: Logger } = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const handle = openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: path.join(config.dataDir, 'rfe.db'),
  });
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
    roles: createRoleResolver(config, handle.db),
    statusSyncer: undefined as unknown as StatusSyncer,
    sessions: undefined as unknown as SessionManager,
    messaging: undefined as unknown as MessagingHub,
    close: async () => {
      ctx.statusSyncer.stop();
      await ctx.sessions.close();
      await ctx.messaging.close();
      await handle.close();
    },
  };
  ctx.messaging = await createMessagingHub(ctx);
  ctx.statusSyncer = new StatusSyncer(ctx);
  const launcher =
    config.runnerLauncher === 'kubernetes'
      ? kubernetesLauncherFromConfig(config, logger)
      : new ProcessLauncher({
          runsDir: path.join(config.dataDir, 'runs'),
          agentUids: parseUidRange(config.runnerAgentUidRange),
          logger,
          reissueSecrets: (sessionId) => reissueRunnerSecrets(ctx, sessionId),
        });
  ctx.sessions = new SessionManager(ctx, launcher);
  if (config.syncIntervalSeconds > 0) ctx.statusSyncer.start(config.syncIntervalSeconds * 1000);
  const github = githubSettingsFromConfig(config);
  if (github) attachGithub(ctx, github);
  // Sessions of an earlier incarnation (or of another instance) are adopted before requests come in.
  await ctx.sessions.startReconciling(config.sessionReconcileSeconds * 1000);
  return ctx;
}
