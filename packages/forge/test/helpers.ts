import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { type ForgeOptions, type StartedForge, startForge } from '../src/index.ts';

export interface TestForge {
  forge: StartedForge;
  dir: string;
  /** A scratch directory for clones. */
  work: string;
  close(): Promise<void>;
}

export async function startTestForge(opts: Partial<ForgeOptions> = {}): Promise<TestForge> {
  const dir = await mkdtemp(join(tmpdir(), 'forge-test-'));
  const work = await mkdtemp(join(tmpdir(), 'forge-work-'));
  const forge = await startForge({ dataDir: dir, ...opts });
  return {
    forge,
    dir,
    work,
    close: async () => {
      await forge.close();
      await rm(dir, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Octokit against the forge, acting with `token` (or anonymously). */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export function octokit(forge: Pick<StartedForge, 'apiUrl'>, token?: string): Octokit {
  return new Octokit({ baseUrl: forge.apiUrl, auth: token, log: quiet });
}

/** Octokit authenticated as the App (JWT), as the platform does. */
export function appOctokit(forge: StartedForge): Octokit {
  return new Octokit({
    baseUrl: forge.apiUrl,
    authStrategy: createAppAuth,
    auth: { appId: forge.app.id, privateKey: forge.app.privateKeyPem },
    log: quiet,
  });
}

export async function installationId(forge: StartedForge, login: string): Promise<number> {
  const { data } = await appOctokit(forge).rest.apps.getUserInstallation({ username: login });
  return data.id;
}

export async function installationToken(
  forge: StartedForge,
  login: string,
  narrow: { repositories?: string[]; permissions?: Record<string, 'read' | 'write'> } = {},
): Promise<string> {
  const id = await installationId(forge, login);
  const { data } = await appOctokit(forge).request(
    'POST /app/installations/{installation_id}/access_tokens',
    {
      installation_id: id,
      ...narrow,
    },
  );
  return data.token;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the git CLI asynchronously (the forge shares this process, so never block the event loop). */
export function git(args: string[], cwd: string, env: Record<string, string> = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: cwd,
          GIT_TERMINAL_PROMPT: '0',
          GIT_CONFIG_NOSYSTEM: '1',
          ...env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
  });
}

export async function gitOk(args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const r = await git(args, cwd, env);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** `-c http.extraHeader=Authorization: Basic …` for `login:token` (what the platform's runners do). */
export function authConfig(token: string, login = 'x-access-token'): string[] {
  return [
    '-c',
    `http.extraHeader=Authorization: Basic ${Buffer.from(`${login}:${token}`).toString('base64')}`,
  ];
}

export function cloneUrl(forge: StartedForge, fullName: string): string {
  return `${forge.url}/${fullName}.git`;
}

/** The webhook payload keys the tests (and the platform) read. */
export interface HookPayload {
  action?: string;
  number?: number;
  ref?: string;
  before?: string;
  after?: string;
  repository: { full_name: string; name: string; default_branch: string; owner: { login: string } };
  sender: { login: string };
  pusher?: { name: string };
  installation?: { id: number };
  commits?: { added: string[] }[];
  changes?: { title?: { from: string } };
  pull_request?: {
    number: number;
    state: string;
    merged: boolean;
    head: { ref: string; sha: string; repo: { full_name: string } };
  };
}

export interface ReceivedHook {
  event: string;
  delivery: string;
  signature: string;
  body: string;
  payload: HookPayload;
}

/** A local HTTP receiver for webhooks. */
export async function startHookReceiver(): Promise<{
  url: string;
  received: ReceivedHook[];
  close(): Promise<void>;
}> {
  const received: ReceivedHook[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        event: String(req.headers['x-github-event']),
        delivery: String(req.headers['x-github-delivery']),
        signature: String(req.headers['x-hub-signature-256']),
        body,
        payload: JSON.parse(body) as HookPayload,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Polls until `fn` returns a truthy value (webhooks are delivered asynchronously). */
export async function eventually<T>(fn: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A ghu_ user access token obtained through the App's OAuth web flow (what the platform stores per user). */
export async function userAccessToken(forge: StartedForge, login: string): Promise<string> {
  const redirect = 'http://127.0.0.1:9/callback';
  const res = await fetch(
    `${forge.url}/login/oauth/authorize?client_id=${forge.app.clientId}&redirect_uri=${encodeURIComponent(redirect)}&login=${login}`,
    { redirect: 'manual' },
  );
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokenRes = await fetch(`${forge.url}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: forge.app.clientId, client_secret: forge.app.clientSecret, code }),
  });
  return ((await tokenRes.json()) as { access_token: string }).access_token;
}

/** Waits until a fork has its default branch (GitHub populates forks after the 202), like clients must. */
export async function forkReady(
  client: Octokit,
  owner: string,
  repo: string,
  branch = 'main',
): Promise<void> {
  const start = Date.now();
  for (;;) {
    const res = await client.rest.repos.getBranch({ owner, repo, branch }).catch((e) => e);
    if (res.status === 200) return;
    if (![404, 409].includes(res.status)) throw res;
    if (Date.now() - start > 10_000) throw new Error(`fork ${owner}/${repo} not populated in time`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Polls a pull request until GitHub-style background mergeability is computed; returns it then. */
export async function computedPull(client: Octokit, owner: string, repo: string, pull_number: number) {
  const start = Date.now();
  for (;;) {
    const { data } = await client.rest.pulls.get({ owner, repo, pull_number });
    if (data.mergeable_state !== 'unknown') return data;
    if (Date.now() - start > 10_000) throw new Error(`mergeability of #${pull_number} never computed`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
