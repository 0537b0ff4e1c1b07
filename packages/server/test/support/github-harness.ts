import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type StartedForge, startForge } from '@rfe/forge';
import { attachGithub, type GithubServices } from '../../src/github/github-services.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Browser } from './browser.ts';
import type { DatabaseKind } from './databases.ts';
import { startTestApp, type TestApp } from './test-app.ts';

/**
 * The platform listening on loopback, connected to a freshly seeded forge whose App sends users back to
 * the platform — the shape of `rfe up`. Everything a leak could land in is kept: log lines (debug level),
 * every response a test browser or `inject` call saw, and the data directory until close.
 */
export interface GithubHarness {
  forge: StartedForge;
  t: TestApp;
  github: GithubServices;
  appUrl: string;
  logLines: string[];
  browsers: Browser[];
  /** Bodies of `inject` responses a test recorded with `record`. */
  recorded: string[];
  record<T extends { body: string }>(res: T): T;
  /** A browser signed in to the platform (dev login) and to the forge as the same login. */
  signIn(login: string): Promise<Browser>;
  /** Ids of the installations on this user's own account (organizations' installations are left out). */
  installationsOf(login: string): Promise<number[]>;
  /** The whole "Connect GitHub" flow through real redirects; returns the callback's response. */
  linkAccount(browser: Browser): Promise<{ status: number; location: string | null }>;
  close(): Promise<void>;
}

export async function startGithubHarness(database: DatabaseKind = 'sqlite'): Promise<GithubHarness> {
  const forgeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-forge-'));
  const forge = await startForge({ dataDir: forgeDir, port: 0, seed: 'default' });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const t = await startTestApp({}, { LOG_LEVEL: 'debug' }, { logger: createLogger('debug', sink), database });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  // The canonical origin on loopback (http/canonical-origin.ts): where users are meant to be.
  const appUrl = `http://localhost:${(t.app.server.address() as AddressInfo).port}`;
  const github = attachGithub(t.ctx, {
    apiUrl: forge.apiUrl,
    webUrl: forge.url,
    app: forge.app,
    writeGapMs: 0,
  });
  forge.configureApp({
    setupUrl: `${appUrl}/api/github/callback`,
    callbackUrls: [`${appUrl}/api/github/callback`],
  });
  const browsers: Browser[] = [];
  const recorded: string[] = [];

  return {
    forge,
    t,
    github,
    appUrl,
    logLines,
    browsers,
    recorded,
    record(res) {
      recorded.push(res.body);
      return res;
    },
    async signIn(login) {
      const browser = new Browser();
      browsers.push(browser);
      const res = await browser.request(`${appUrl}/api/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: login }),
      });
      if (res.status !== 204) throw new Error(`dev login as ${login}: ${res.status} ${res.body}`);
      await browser.visit(`${forge.url}/login?login=${login}`);
      return browser;
    },
    async installationsOf(login) {
      const res = await fetch(`${forge.apiUrl}/user/installations`, {
        headers: { authorization: `token ${await forge.userToken(login)}` },
      });
      const body = (await res.json()) as { installations: { id: number; account: { login: string } }[] };
      return body.installations
        .filter((i) => i.account.login.toLowerCase() === login.toLowerCase())
        .map((i) => i.id);
    },
    async linkAccount(browser) {
      const callback = await browser.visit(
        `${appUrl}/api/github/install`,
        {},
        {
          stopAt: (next) => next.origin === appUrl && !next.pathname.startsWith('/api/'),
        },
      );
      return { status: callback.status, location: callback.headers.get('location') };
    },
    async close() {
      await t.close();
      await forge.close();
      fs.rmSync(forgeDir, { recursive: true, force: true });
    },
  };
}

/** Every place a token must never reach; returns where each one was found. */
export function findLeaks(h: GithubHarness, tokens: string[], auditRows: unknown[]): string[] {
  const haystacks: [string, string][] = [
    ['logs', h.logLines.join('\n')],
    [
      'browser responses',
      h.browsers
        .flatMap((b) => b.history.map((p) => `${p.url}\n${[...p.headers].join('\n')}\n${p.body}`))
        .join('\n'),
    ],
    ['inject responses', h.recorded.join('\n')],
    ['audit rows', JSON.stringify(auditRows)],
    ...filesUnder(h.t.dataDir).map((file): [string, string] => [
      `file ${path.relative(h.t.dataDir, file)}`,
      fs.readFileSync(file).toString('latin1'),
    ]),
  ];
  const leaks: string[] = [];
  for (const token of tokens) {
    for (const [where, text] of haystacks)
      if (text.includes(token)) leaks.push(`${token.slice(0, 8)}… in ${where}`);
  }
  return leaks;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}
