import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ForgeSeed, type StartedForge, startForge } from '@rfe/forge';
import type { Config } from '../../src/config/config.ts';
import { attachGithub } from '../../src/github/github-services.ts';
import type { DatabaseKind } from './databases.ts';
import { startTestApp, type TestApp } from './test-app.ts';

export interface PlatformWithForge extends TestApp {
  forge: StartedForge;
  /** The platform's own base URL (it listens on a real port so the forge can deliver webhooks). */
  url: string;
  /** Links a dev user's GitHub account through the real install + OAuth redirects. */
  link(user: string): Promise<void>;
}

/**
 * The platform wired to a freshly seeded forge, as `rfe up` does: the forge's App is the platform's App,
 * its setup URL points at the platform's callback and its webhooks at the platform.
 */
export async function startPlatformWithForge(
  overrides: Partial<Config> = {},
  opts: { webhooks?: boolean; writeGapMs?: number; seed?: ForgeSeed; database?: DatabaseKind } = {},
): Promise<PlatformWithForge> {
  const forgeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-forge-'));
  const forge = await startForge({ dataDir: forgeDir, port: 0, seed: opts.seed ?? 'default' });
  const t = await startTestApp({ syncIntervalSeconds: 0, ...overrides }, {}, { database: opts.database });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  t.ctx.listenUrl = url;
  attachGithub(t.ctx, {
    apiUrl: forge.apiUrl,
    webUrl: forge.url,
    app: forge.app,
    writeGapMs: opts.writeGapMs ?? 0,
  });
  forge.configureApp({
    setupUrl: `${url}/api/github/callback`,
    callbackUrls: [`${url}/api/github/callback`],
  });
  if (opts.webhooks !== false)
    forge.setWebhooks([{ url: `${url}/api/webhooks/github`, secret: forge.app.webhookSecret }]);

  const close = t.close;
  return {
    ...t,
    forge,
    url,
    async link(user) {
      const headers = await t.as(user);
      const install = await fetch(`${url}/api/github/install`, { headers, redirect: 'manual' });
      const installPage = new URL(install.headers.get('location')!);
      installPage.searchParams.set('login', user);
      const back = await fetch(installPage, { redirect: 'manual' });
      const callback = back.headers.get('location');
      if (!callback) throw new Error(`forge install page answered ${back.status}: ${await back.text()}`);
      const linked = await fetch(callback, { headers: { ...headers, accept: 'application/json' } });
      if (linked.status !== 200)
        throw new Error(`linking ${user} failed: ${linked.status} ${await linked.text()}`);
    },
    async close() {
      await close();
      await forge.close();
      fs.rmSync(forgeDir, { recursive: true, force: true });
    },
  };
}
