import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface RunnerProcess {
  child: ChildProcess;
  stderr: () => string;
  /** Exit status (130 for cancel) and how long the runner ran. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Starts the runner the way a launcher does: `node --import tsx packages/runner/src/main.ts` with env. */
/** The secret files of each session, written again for every start as a launcher does (the runner removes them). */
const secretFiles = new Map<string, string>();

export function startRunner(env: Record<string, string>): RunnerProcess {
  const started = Date.now();
  const file = env.RFE_GIT_CREDENTIALS_FILE;
  const content = file ? secretFiles.get(file) : undefined;
  if (file && content !== undefined) writeFileSync(file, content, { mode: 0o600 });
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  child.stdout?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>(
    (resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started }));
    },
  );
  return { child, stderr: () => stderr, exited };
}

export interface SessionEnvOptions {
  sessionId: string;
  slug: string;
  backendUrl: string;
  runnerToken: string;
  inputRepo: string;
  adapter: 'localexec' | 'claude' | 'specify';
  prompt: string;
  output: Record<string, { pushUrl: string; forkFullName?: string; base: string; directPush?: boolean }>;
  /** Git credentials: URL prefix → [username, token]. */
  git: Record<string, [string, string]>;
  author?: { name: string; email: string };
  submodules?: { path: string; required: boolean }[];
  /** Where the work directory and the credentials go (removed by the caller); default the OS temp dir. */
  baseDir?: string;
  extra?: Record<string, string>;
}

/** Writes the 0600 credentials file and returns the environment a launcher would give the runner. */
export async function sessionEnv(options: SessionEnvOptions): Promise<Record<string, string>> {
  const base = options.baseDir ?? tmpdir();
  const workDir = await mkdtemp(join(base, 'rfe-runner-work-'));
  const secrets = await mkdtemp(join(base, 'rfe-runner-secrets-'));
  const credentialsFile = join(secrets, 'credentials.json');
  const credentials = {
    runnerToken: options.runnerToken,
    git: Object.entries(options.git).map(([url, [username, token]]) => ({ url, username, token })),
  };
  secretFiles.set(credentialsFile, JSON.stringify(credentials));
  const author = options.author ?? { name: 'Alice Admin', email: 'alice@example.com' };
  return {
    RFE_SESSION_ID: options.sessionId,
    RFE_WORKSPACE_SLUG: options.slug,
    RFE_BACKEND_WS_URL: options.backendUrl,
    RFE_GIT_CREDENTIALS_FILE: credentialsFile,
    RFE_INPUT_REPO: options.inputRepo,
    RFE_INPUT_BRANCH: `rfe/${options.slug}`,
    RFE_OUTPUT: JSON.stringify(options.output),
    RFE_ADAPTER: options.adapter,
    RFE_PROMPT: options.prompt,
    RFE_WORK_DIR: workDir,
    RFE_AUTHOR_NAME: author.name,
    RFE_AUTHOR_EMAIL: author.email,
    RFE_SUBMODULES: JSON.stringify(options.submodules ?? []),
    RFE_DRAIN_TIMEOUT_MS: '5000',
    ...options.extra,
  };
}
