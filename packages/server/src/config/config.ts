import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { parseUidRange } from '../launchers/process/agent-uids.ts';
import { checkIdentityCombinations, githubAppSettings, identitySettings } from './identity-settings.ts';
import { modelSettings } from './model-settings.ts';
import { boolean, integer, list, oneOf, optionalText, type Setting, text, url } from './settings.ts';

/**
 * Every setting of the platform: environment variable, embedded default, accepted values.
 * `rfe up --help` and docs/configuration.md are generated from this table.
 */
export const settings = {
  host: { ...text('Address to listen on', '127.0.0.1'), env: 'HOST' },
  port: { ...integer('HTTP port', 8080, 0, 65535), env: 'PORT' },
  dataDir: {
    ...text('Directory for the embedded database, object store and forge', '.rfe'),
    env: 'RFE_DATA_DIR',
  },
  publicUrl: {
    ...url(
      'Externally visible base URL (default http://localhost:PORT on a loopback HOST, else http://HOST:PORT)',
      ['http:', 'https:'],
    ),
    env: 'PUBLIC_URL',
  },
  logLevel: {
    ...oneOf('Log level', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    env: 'LOG_LEVEL',
  },
  databaseUrl: {
    ...url('PostgreSQL URL; SQLite in the data directory when unset', ['postgres:', 'postgresql:']),
    env: 'DATABASE_URL',
  },
  objectStore: {
    ...oneOf('Platform object store driver', 'directory', ['directory', 's3'] as const),
    env: 'OBJECT_STORE',
  },
  s3Endpoint: {
    ...url('S3 endpoint (MinIO, s3rver…); AWS when unset', ['http:', 'https:']),
    env: 'S3_ENDPOINT',
  },
  s3Region: { ...text('S3 region', 'us-east-1'), env: 'S3_REGION' },
  s3Bucket: {
    ...optionalText('S3 bucket for the platform store (required when OBJECT_STORE=s3)'),
    env: 'S3_BUCKET',
  },
  s3AccessKeyId: { ...optionalText('S3 access key id'), env: 'S3_ACCESS_KEY_ID' },
  s3SecretAccessKey: { ...optionalText('S3 secret access key'), env: 'S3_SECRET_ACCESS_KEY' },
  s3ForcePathStyle: { ...boolean('Use path-style S3 URLs', true), env: 'S3_FORCE_PATH_STYLE' },
  authMode: { ...oneOf('Identity mode', 'dev', ['dev', 'oidc', 'proxy'] as const), env: 'AUTH_MODE' },
  allowDevAuthOnNetwork: {
    ...boolean('Let dev login listen on a non-loopback address (unsafe)', false),
    env: 'ALLOW_DEV_AUTH_ON_NETWORK',
  },
  sessionSecret: {
    ...optionalText('Secret for session cookies and signed state (generated in the data dir when unset)'),
    env: 'SESSION_SECRET',
  },
  encryptionKey: {
    ...optionalText('Base64 32-byte key for secrets at rest (generated in the data dir when unset)'),
    env: 'ENCRYPTION_KEY',
  },
  maxBodyBytes: {
    ...integer('Largest accepted HTTP request body in bytes', 1_048_576, 1024, 104_857_600),
    env: 'MAX_BODY_BYTES',
  },
  allowedOrigins: {
    ...list('Extra allowed WebSocket/browser origins (comma separated)'),
    env: 'ALLOWED_ORIGINS',
  },
  githubMode: {
    ...oneOf('Git host: the bundled forge or GitHub', 'forge', ['forge', 'github'] as const),
    env: 'GITHUB_MODE',
  },
  githubApiUrl: {
    ...url('GitHub API base URL when GITHUB_MODE=github', ['http:', 'https:']),
    env: 'GITHUB_API_URL',
  },
  syncIntervalSeconds: {
    ...integer(
      'Seconds between periodic upstream status syncs (0 = webhooks and Sync now only)',
      60,
      0,
      86_400,
    ),
    env: 'SYNC_INTERVAL_SECONDS',
  },
  apiTokenDefaultDays: {
    ...integer('Lifetime of an API token created without ttlDays, in days', 30, 1, 3650),
    env: 'API_TOKEN_DEFAULT_DAYS',
  },
  apiTokenMaxDays: {
    ...integer('Longest lifetime an API token may be created with, in days', 90, 1, 3650),
    env: 'API_TOKEN_MAX_DAYS',
  },
  storageEndpointAllow: {
    ...boolean(
      "Allow projects' external storage endpoints in loopback, private, link-local and metadata address ranges (default: on only with AUTH_MODE=dev)",
      false,
    ),
    default: undefined as boolean | undefined,
    env: 'STORAGE_ENDPOINT_ALLOW',
  },
  sessionTimeoutSeconds: {
    ...integer('Longest a session may run before its runner is stopped', 3600, 30, 86_400),
    env: 'SESSION_TIMEOUT_SECONDS',
  },
  sessionReconcileSeconds: {
    ...integer(
      'How often every instance reconciles the non-terminal sessions (adopts live runners, resumes or fails dead ones, enforces deadlines); also at start-up',
      30,
      1,
      3600,
    ),
    env: 'SESSION_RECONCILE_SECONDS',
  },
  ...modelSettings,
  forgePort: {
    ...integer('Port of the bundled forge (0 = any free port)', 8081, 0, 65535),
    env: 'FORGE_PORT',
  },
  redisUrl: {
    ...url('Redis for message fan-out between server instances; in-process when unset', [
      'redis:',
      'rediss:',
    ]),
    env: 'REDIS_URL',
  },
  messageSegmentBytes: {
    ...integer(
      'Session message logs roll over to a new segment at this size (bytes)',
      50_000_000,
      65_536,
      1_000_000_000,
    ),
    env: 'MESSAGE_SEGMENT_BYTES',
  },
  messageGroupCommit: {
    ...oneOf(
      'Cross-session group commit of session messages (one shared write for the chunks of all sessions of a project): auto and always = on, never = one write per chunk',
      'auto',
      ['auto', 'always', 'never'] as const,
    ),
    env: 'MESSAGE_GROUP_COMMIT',
  },
  messageMaxFrameBytes: {
    ...integer(
      'Largest message frame accepted on session channels (bytes; at most 4 MiB)',
      1_048_576,
      1024,
      4_194_304,
    ),
    env: 'MESSAGE_MAX_FRAME_BYTES',
  },
  runnerLauncher: {
    ...oneOf('How sessions run: a child process here, or a Job in the project namespace', 'process', [
      'process',
      'kubernetes',
    ] as const),
    env: 'RUNNER_LAUNCHER',
  },
  runnerAgentUidRange: {
    env: 'RUNNER_AGENT_UID_RANGE',
    describe:
      "RUNNER_LAUNCHER=process run as root: each session's agent processes run under a uid (and gid) of their own from this range, first-last; off = as the server's user (always so when the server is not root)",
    default: '200000-265535',
    parse: (raw: string, env: string) => {
      parseUidRange(raw, env);
      return raw.trim();
    },
  },
  kubeconfig: {
    ...optionalText(
      'Kubeconfig file(s) for RUNNER_LAUNCHER=kubernetes and RBAC_MODE=kubernetes; ~/.kube/config, then the in-cluster service account, when unset',
    ),
    env: 'KUBECONFIG',
  },
  k8sNamespacePrefix: {
    ...text('Project namespace = this prefix + the project name (RUNNER_LAUNCHER=kubernetes)', 'rfe-'),
    env: 'K8S_NAMESPACE_PREFIX',
  },
  runnerImage: {
    ...text('Runner container image (RUNNER_LAUNCHER=kubernetes)', 'rfe-workbench/runner:latest'),
    env: 'RUNNER_IMAGE',
  },
  runnerPvcSize: {
    ...text("Size of each session's work-directory volume claim", '10Gi'),
    env: 'RUNNER_PVC_SIZE',
  },
  runnerStorageClass: {
    ...optionalText('Storage class of session volume claims; the cluster default when unset'),
    env: 'RUNNER_STORAGE_CLASS',
  },
  runnerJobTtlSeconds: {
    ...integer('Seconds a finished runner Job (with its Secret and volume claim) is kept', 3600, 0, 604_800),
    env: 'RUNNER_JOB_TTL_SECONDS',
  },
  runnerCpuRequest: {
    ...text('Runner container CPU request (empty = none)', '500m'),
    env: 'RUNNER_CPU_REQUEST',
  },
  runnerCpuLimit: { ...text('Runner container CPU limit (empty = none)', '2'), env: 'RUNNER_CPU_LIMIT' },
  runnerMemoryRequest: {
    ...text('Runner container memory request (empty = none)', '1Gi'),
    env: 'RUNNER_MEMORY_REQUEST',
  },
  runnerMemoryLimit: {
    ...text('Runner container memory limit (empty = none)', '4Gi'),
    env: 'RUNNER_MEMORY_LIMIT',
  },
  runnerAgentUid: {
    ...integer(
      "uid and gid of the agent's processes in runner Pods; the runner shell runs as root with only SETUID, SETGID, CHOWN, FOWNER, DAC_OVERRIDE and KILL (baseline Pod Security Standard). 0 = no agent uid: the Pod runs as RUNNER_RUN_AS_USER with no capabilities (restricted standard) and agent code shares the shell's uid",
      1001,
      0,
      2_147_483_647,
    ),
    env: 'RUNNER_AGENT_UID',
  },
  runnerRunAsUser: {
    ...integer(
      'uid, gid and fsGroup of runner Pods when RUNNER_AGENT_UID=0 (0 = let the platform assign them, as OpenShift does)',
      1000,
      0,
      2_147_483_647,
    ),
    env: 'RUNNER_RUN_AS_USER',
  },
  ...identitySettings,
  ...githubAppSettings,
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never };

/** Reads every setting from `env`; an invalid value throws a ConfigError naming the variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings) as [string, Setting<unknown>][]) {
    const raw = env[setting.env];
    out[key] =
      raw === undefined
        ? typeof setting.default === 'function'
          ? (setting.default as () => unknown)()
          : setting.default
        : setting.parse(raw, setting.env);
  }
  const config = { ...out, ...overrides } as Config;
  config.dataDir = path.resolve(config.dataDir);
  checkCombinations(config);
  return config;
}

function checkCombinations(config: Config): void {
  if (config.objectStore === 's3' && !config.s3Bucket) {
    throw new ConfigError('S3_BUCKET', 'is required when OBJECT_STORE=s3.');
  }
  if (config.githubMode === 'github' && !config.githubApiUrl) {
    throw new ConfigError(
      'GITHUB_API_URL',
      'is required when GITHUB_MODE=github (e.g. https://api.github.com).',
    );
  }
  checkIdentityCombinations(config);
  if (config.apiTokenDefaultDays > config.apiTokenMaxDays) {
    throw new ConfigError(
      'API_TOKEN_DEFAULT_DAYS',
      `is ${config.apiTokenDefaultDays}, longer than API_TOKEN_MAX_DAYS (${config.apiTokenMaxDays}).`,
    );
  }
  if (config.authMode === 'dev' && !isLoopback(config.host) && !config.allowDevAuthOnNetwork) {
    throw new ConfigError(
      'HOST',
      `dev login lets anyone act as any user, so it only listens on loopback; "${config.host}" is not. ` +
        'Use AUTH_MODE=oidc or proxy, or set ALLOW_DEV_AUTH_ON_NETWORK=true if you really mean it.',
    );
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * PUBLIC_URL, or where a person on this machine opens the UI: `localhost` for a loopback (or every-address)
 * listener, the name the README gives; other loopback names are redirected there (http/canonical-origin.ts).
 */
export function publicUrl(config: Config, port: number): string {
  const local = config.host === '0.0.0.0' || config.host === '::' || isLoopback(config.host);
  return config.publicUrl ?? `http://${local ? 'localhost' : config.host}:${port}`;
}
