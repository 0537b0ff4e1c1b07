import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type StartedForge, startForge } from '@rfe/forge';
import { openDatabase } from '../../../src/db/database.ts';
import { parseHandle } from '../../../src/db/session-lifecycle.ts';
import { attachGithub } from '../../../src/github/github-services.ts';
import { freePort, type ServerProcess, startServerProcess } from '../messaging/server-process.ts';
import { startTestApp } from '../test-app.ts';

export type Message = {
  id: string;
  seq: number;
  type: string;
  origin: string;
  payload: Record<string, unknown>;
};

export interface SessionRow {
  id: string;
  status: string;
  error: string | null;
  remediation: string | null;
  pullRequests: { repo: string; number: number; url: string }[];
}

/**
 * A platform that can be killed: users, GitHub link, project `acme` and workspace `crash` are prepared
 * in-process on a data directory, then the real server runs as child processes on that directory (and
 * fixed ports, which the runners connect back to), against a forge that outlives them. One instance by
 * default; with `instances` > 1 they share the database (`databaseUrl`: PostgreSQL), the object store and
 * Redis given in `env`, and `frontDoor` (a load balancer) stands in front of them.
 */
export interface CrashWorld {
  dataDir: string;
  /** The first instance's port. */
  port: number;
  ports: number[];
  /** Where runners and `api` go: the front door, else the first instance. */
  url: string;
  forge: StartedForge;
  server: ServerProcess | undefined;
  servers: (ServerProcess | undefined)[];
  /** Starts instance `k` (default 0). */
  start(k?: number): Promise<void>;
  kill(k?: number): Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: API answers of every shape, checked by the tests
  api(method: string, url: string, body?: unknown, instance?: number): Promise<{ status: number; json: any }>;
  startSession(prompt: string, instance?: number): Promise<string>;
  session(id: string): Promise<SessionRow>;
  messages(id: string): Promise<Message[]>;
  /** Waits until the session is terminal (polling the API; fails after `timeoutMs`). */
  finished(id: string, timeoutMs: number): Promise<SessionRow>;
  until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  /** The runner's recorded process (pid) from the database. */
  runnerPid(id: string): Promise<number | undefined>;
  /** Pull requests the forge holds for acme/umbrella (every state). */
  forgePulls(): Promise<{ number: number; head: { ref: string; label?: string } }[]>;
  close(): Promise<void>;
}

export interface CrashWorldOptions {
  instances?: number;
  /** PostgreSQL shared by the instances (else each uses the SQLite file in the data directory). */
  databaseUrl?: string;
  /**
   * A load balancer in front of the instances' ports: `api` calls go to `url`, runners to `publicUrl`
   * (PUBLIC_URL; default `url`).
   */
  frontDoor?: (ports: number[]) => Promise<{ url: string; publicUrl?: string; close(): Promise<void> }>;
}

export async function startCrashWorld(
  env: Record<string, string> = {},
  options: CrashWorldOptions = {},
): Promise<CrashWorld> {
  const forgeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-forge-'));
  const forge = await startForge({ dataDir: forgeDir, port: 0, seed: 'default' });
  const database = options.databaseUrl ? { databaseUrl: options.databaseUrl } : {};
  const t = await startTestApp({ syncIntervalSeconds: 0, ...database }, env);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const setupUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  t.ctx.listenUrl = setupUrl;
  const github = { apiUrl: forge.apiUrl, webUrl: forge.url, app: forge.app, writeGapMs: 0 };
  attachGithub(t.ctx, github);
  forge.configureApp({
    setupUrl: `${setupUrl}/api/github/callback`,
    callbackUrls: [`${setupUrl}/api/github/callback`],
  });
  const alice = await t.as('alice');
  await link(setupUrl, alice);
  const inject = async (method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: alice, payload: payload as object });
  const project = await inject('POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
  if (project.statusCode !== 201) throw new Error(`project: ${project.body}`);
  const ws = await inject('POST', '/api/projects/acme/workspaces', {
    name: 'crash',
    upstream: 'acme/umbrella',
  });
  if (ws.statusCode !== 201) throw new Error(`workspace: ${ws.body}`);
  const dataDir = t.dataDir;
  await t.app.close();
  await t.ctx.close();

  const ports: number[] = [];
  for (let k = 0; k < (options.instances ?? 1); k++) ports.push(await freePort());
  const door = options.frontDoor ? await options.frontDoor(ports) : undefined;
  const base = door?.url ?? `http://127.0.0.1:${ports[0]}`;
  const serverEnv = {
    RFE_TEST_GITHUB: JSON.stringify(github),
    SYNC_INTERVAL_SECONDS: '0',
    SESSION_RECONCILE_SECONDS: '2',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(door ? { PUBLIC_URL: door.publicUrl ?? door.url } : {}),
    ...env,
  };
  const openDb = () =>
    openDatabase(options.databaseUrl ? database : { sqliteFile: path.join(dataDir, 'rfe.db') });
  const world: CrashWorld = {
    dataDir,
    port: ports[0],
    ports,
    url: base,
    forge,
    servers: ports.map(() => undefined),
    get server() {
      return world.servers[0];
    },
    async start(k = 0) {
      world.servers[k] = await startServerProcess(dataDir, ports[k], serverEnv);
    },
    async kill(k = 0) {
      await world.servers[k]?.kill();
      world.servers[k] = undefined;
    },
    async api(method, url, body, instance) {
      const at = instance === undefined ? base : `http://127.0.0.1:${ports[instance]}`;
      const res = await fetch(`${at}${url}`, {
        method,
        headers: { ...alice, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    async startSession(prompt, instance) {
      const res = await world.api(
        'POST',
        '/api/projects/acme/workspaces/crash/sessions',
        { adapter: 'localexec', createFork: true, prompt },
        instance,
      );
      if (res.status !== 201) throw new Error(`session: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json.id as string;
    },
    async session(id) {
      return (await world.api('GET', `/api/projects/acme/sessions/${id}`)).json as SessionRow;
    },
    async messages(id) {
      const all: Message[] = [];
      for (;;) {
        const after = all.at(-1)?.seq ?? 0;
        const page = await world.api(
          'GET',
          `/api/projects/acme/sessions/${id}/messages?after=${after}&limit=1000`,
        );
        if (page.status !== 200) throw new Error(`messages: ${page.status} ${JSON.stringify(page.json)}`);
        const items = page.json.items as Message[];
        all.push(...items);
        if (items.length < 1000) return all;
      }
    },
    async finished(id, timeoutMs) {
      let row: SessionRow | undefined;
      await world.until(
        `session ${id} to end`,
        async () => {
          row = await world.session(id);
          return ['succeeded', 'failed', 'cancelled'].includes(row.status);
        },
        timeoutMs,
      );
      return row!;
    },
    async until(what, check, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          if (await check()) return;
        } catch {
          // the server is restarting
        }
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async runnerPid(id) {
      const handle = openDb();
      try {
        const row = await handle.db
          .selectFrom('sessions')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        const h = row && parseHandle(row);
        return h?.kind === 'process' ? h.pid : undefined;
      } finally {
        await handle.close();
      }
    },
    async forgePulls() {
      const token = await forge.userToken('alice');
      const res = await fetch(`${forge.apiUrl}/repos/acme/umbrella/pulls?state=all&per_page=100`, {
        headers: { authorization: `token ${token}` },
      });
      if (res.status !== 200) throw new Error(`forge pulls: ${res.status} ${await res.text()}`);
      return (await res.json()) as { number: number; head: { ref: string } }[];
    },
    async close() {
      for (let k = 0; k < ports.length; k++) await world.kill(k);
      await door?.close();
      // Runners outlive servers by design: the test's runners end with it.
      const handle = openDb();
      for (const row of await handle.db.selectFrom('sessions').selectAll().execute()) {
        const h = parseHandle(row);
        if (h?.kind !== 'process') continue;
        try {
          process.kill(-h.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await handle.close();
      await forge.close();
      if (process.env.KEEP_CRASH_WORLD) console.log(`kept ${dataDir}`);
      else fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(forgeDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Links alice's GitHub account through the real install + OAuth redirects (as platform-with-forge does). */
async function link(url: string, headers: { authorization: string }): Promise<void> {
  const install = await fetch(`${url}/api/github/install`, { headers, redirect: 'manual' });
  const installPage = new URL(install.headers.get('location')!);
  installPage.searchParams.set('login', 'alice');
  const back = await fetch(installPage, { redirect: 'manual' });
  const callback = back.headers.get('location');
  if (!callback) throw new Error(`forge install page answered ${back.status}: ${await back.text()}`);
  const linked = await fetch(callback, { headers: { ...headers, accept: 'application/json' } });
  if (linked.status !== 200) throw new Error(`linking alice failed: ${linked.status} ${await linked.text()}`);
}
