import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type GitCredential, readCredentialsFile } from './credentials-file.ts';
import { SettingsError } from './errors.ts';
import { repoFullNameFromUrl } from './git/repo-url.ts';
import { type AgentUser, agentUserFrom } from './process/agent-user.ts';
import {
  boolean,
  branchName,
  type Env,
  isObject,
  json,
  oneOf,
  optionalString,
  positiveInteger,
  requiredString,
  url,
} from './settings-parsers.ts';

export const ADAPTERS = ['localexec', 'claude', 'specify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** Where the session branch of one repository goes. */
export interface PushTarget {
  /** Clone URL to push to: the user's fork, or the upstream itself for a direct push. */
  pushUrl: string;
  /** `owner/name` of the fork; its owner is the PR head owner. Absent for a direct push. */
  forkFullName?: string;
  /** Upstream branch the PR targets (or that a direct push updates). */
  base: string;
  directPush: boolean;
}

export interface SubmoduleRequirement {
  path: string;
  required: boolean;
}

export interface RunnerSettings {
  sessionId: string;
  /** Short form of the session id used in branch names. */
  shortId: string;
  workspaceSlug: string;
  backendUrl: string;
  /** Read at start and kept in memory; a rotated token file, while it exists, is picked up. */
  runnerToken: () => string;
  /** The backend endpoint that hands out git credentials per step (RFE_GIT_CREDENTIALS_URL). */
  credentialsUrl?: string;
  /** Files holding secrets; the shell removes them before any adapter code runs. */
  secretFiles: readonly string[];
  input: { url: string; repo: string; branch: string };
  /** Push targets keyed by upstream `owner/name`. */
  output: { branch: string; targets: ReadonlyMap<string, PushTarget> };
  adapter: AdapterName;
  prompt: string;
  workDir: string;
  gitCredentials: readonly GitCredential[];
  author: { name: string; email: string };
  timeoutMs: number;
  /** The session's deadline (epoch ms, RFE_DEADLINE_AT): a restarted runner keeps the first one. */
  deadlineAt?: number;
  heartbeatMs: number;
  drainTimeoutMs: number;
  submodules: readonly SubmoduleRequirement[];
  specify: { feature?: string; useClaude: boolean };
  /** `apiKey` is the session's model key from the credentials file (never from the environment). */
  claude: { model?: string; maxTurns?: number; apiKey?: string };
  /** RFE_AGENT_UID/RFE_AGENT_GID: every adapter process runs as this uid/gid instead of the shell's. */
  agent?: AgentUser;
}

const HOUR = 3_600_000;

/** Reads and validates every setting; throws a SettingsError naming the first bad variable. */
export function loadSettings(env: Env = process.env): RunnerSettings {
  const sessionId = requiredString(env, 'RFE_SESSION_ID');
  const workspaceSlug = requiredString(env, 'RFE_WORKSPACE_SLUG');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(workspaceSlug)) {
    throw new SettingsError('RFE_WORKSPACE_SLUG', `"${workspaceSlug}" is not a kebab-case slug`);
  }
  const shortId = shortSessionId(sessionId);
  const credentialsPath = optionalString(env, 'RFE_GIT_CREDENTIALS_FILE');
  const credentials = credentialsPath ? readCredentialsFile(credentialsPath) : { git: [] };
  const inputUrl = url(env, 'RFE_INPUT_REPO', ['http:', 'https:', 'file:']);
  const inputRepo = repoFullNameFromUrl(inputUrl);
  if (!inputRepo) throw new SettingsError('RFE_INPUT_REPO', `cannot tell owner/name from ${inputUrl}`);
  const adapter = oneOf(env, 'RFE_ADAPTER', ADAPTERS);
  const workDir = requiredString(env, 'RFE_WORK_DIR');
  if (!isAbsolute(workDir))
    throw new SettingsError('RFE_WORK_DIR', `must be an absolute path, got ${workDir}`);
  const agent = agentUserFrom(env);

  return {
    sessionId,
    shortId,
    workspaceSlug,
    backendUrl: url(env, 'RFE_BACKEND_WS_URL', ['ws:', 'wss:', 'http:', 'https:']),
    runnerToken: runnerTokenSource(env, credentials.runnerToken),
    ...(optionalString(env, 'RFE_GIT_CREDENTIALS_URL')
      ? { credentialsUrl: url(env, 'RFE_GIT_CREDENTIALS_URL', ['http:', 'https:']) }
      : {}),
    secretFiles: [optionalString(env, 'RFE_RUNNER_TOKEN_FILE'), credentialsPath].filter(
      (f): f is string => f !== undefined,
    ),
    input: {
      url: inputUrl,
      repo: inputRepo,
      branch: branchName(env, 'RFE_INPUT_BRANCH', `rfe/${workspaceSlug}`),
    },
    output: {
      branch: branchName(env, 'RFE_OUTPUT_BRANCH', `rfe/${workspaceSlug}/session-${shortId}`),
      targets: parseOutput(json(env, 'RFE_OUTPUT')),
    },
    adapter,
    prompt:
      adapter === 'specify' ? (optionalString(env, 'RFE_PROMPT') ?? '') : requiredString(env, 'RFE_PROMPT'),
    workDir: resolve(workDir),
    gitCredentials: credentials.git,
    author: {
      name: requiredString(env, 'RFE_AUTHOR_NAME', 'commits are authored as the user'),
      email: requiredString(env, 'RFE_AUTHOR_EMAIL', 'commits are authored as the user'),
    },
    timeoutMs: positiveInteger(env, 'RFE_TIMEOUT_MS', HOUR),
    ...deadlineAt(env),
    heartbeatMs: positiveInteger(env, 'RFE_HEARTBEAT_MS', 15_000),
    drainTimeoutMs: positiveInteger(env, 'RFE_DRAIN_TIMEOUT_MS', 15_000),
    submodules: parseSubmodules(json(env, 'RFE_SUBMODULES', [])),
    specify: {
      ...(optionalString(env, 'RFE_SPECIFY_FEATURE')
        ? { feature: optionalString(env, 'RFE_SPECIFY_FEATURE') }
        : {}),
      useClaude: boolean(env, 'RFE_SPECIFY_USE_CLAUDE', false),
    },
    claude: {
      ...(optionalString(env, 'RFE_CLAUDE_MODEL') ? { model: optionalString(env, 'RFE_CLAUDE_MODEL') } : {}),
      ...(env.RFE_CLAUDE_MAX_TURNS ? { maxTurns: positiveInteger(env, 'RFE_CLAUDE_MAX_TURNS', 1) } : {}),
      ...(credentials.modelKey ? { apiKey: credentials.modelKey } : {}),
    },
    ...(agent ? { agent } : {}),
  };
}

function deadlineAt(env: Env): { deadlineAt?: number } {
  const text = optionalString(env, 'RFE_DEADLINE_AT');
  if (text === undefined) return {};
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new SettingsError('RFE_DEADLINE_AT', `"${text}" is not an ISO 8601 time`);
  return { deadlineAt: at };
}

/** First 8 letters or digits of the session id, lower-cased (a ULID or UUID prefix). */
export function shortSessionId(sessionId: string): string {
  const short = sessionId
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 8)
    .toLowerCase();
  if (short.length < 4)
    throw new SettingsError('RFE_SESSION_ID', `"${sessionId}" is too short for a branch name`);
  return short;
}

function runnerTokenSource(env: Env, fromCredentials: string | undefined): () => string {
  const file = optionalString(env, 'RFE_RUNNER_TOKEN_FILE');
  if (file) {
    const read = () => {
      try {
        const token = readFileSync(file, 'utf8').trim();
        if (token) return token;
      } catch (error) {
        throw new SettingsError(
          'RFE_RUNNER_TOKEN_FILE',
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`,
        );
      }
      throw new SettingsError('RFE_RUNNER_TOKEN_FILE', `${file} is empty`);
    };
    let current = read(); // fail at start, not on the first connection
    return () => {
      // The shell removes the file before adapter code runs; until then a rotated token is picked up.
      if (existsSync(file)) current = read();
      return current;
    };
  }
  if (fromCredentials) return () => fromCredentials;
  throw new SettingsError(
    'RFE_RUNNER_TOKEN_FILE',
    'is required (or put "runnerToken" in the file named by RFE_GIT_CREDENTIALS_FILE)',
  );
}

function parseOutput(value: unknown): Map<string, PushTarget> {
  const name = 'RFE_OUTPUT';
  if (!isObject(value)) throw new SettingsError(name, 'must be a JSON object keyed by upstream owner/name');
  const targets = new Map<string, PushTarget>();
  for (const [repo, entry] of Object.entries(value)) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new SettingsError(name, `key "${repo}" is not owner/name`);
    if (!isObject(entry)) throw new SettingsError(name, `${repo} must be an object`);
    const { pushUrl, forkFullName, base, directPush = false } = entry;
    if (typeof pushUrl !== 'string' || !/^(https?|file):\/\//.test(pushUrl)) {
      throw new SettingsError(name, `${repo}.pushUrl must be an http(s) clone URL`);
    }
    if (/\/\/[^/]*@/.test(pushUrl))
      throw new SettingsError(name, `${repo}.pushUrl must not embed credentials`);
    if (typeof base !== 'string' || base === '')
      throw new SettingsError(name, `${repo}.base must be a branch name`);
    if (typeof directPush !== 'boolean')
      throw new SettingsError(name, `${repo}.directPush must be true or false`);
    if (!directPush && (typeof forkFullName !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(forkFullName))) {
      throw new SettingsError(name, `${repo}.forkFullName must be owner/name of the user's fork`);
    }
    targets.set(repo, {
      pushUrl,
      base,
      directPush,
      ...(typeof forkFullName === 'string' ? { forkFullName } : {}),
    });
  }
  return targets;
}

function parseSubmodules(value: unknown): SubmoduleRequirement[] {
  const name = 'RFE_SUBMODULES';
  if (!Array.isArray(value)) throw new SettingsError(name, 'must be a JSON list of {path, required}');
  return value.map((entry, index) => {
    if (!isObject(entry) || typeof entry.path !== 'string' || entry.path === '') {
      throw new SettingsError(name, `[${index}].path must be a submodule path such as repos/api`);
    }
    if (entry.required !== undefined && typeof entry.required !== 'boolean') {
      throw new SettingsError(name, `[${index}].required must be true or false`);
    }
    return { path: entry.path.replace(/\/+$/, ''), required: entry.required === true };
  });
}
