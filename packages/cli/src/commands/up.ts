import path from 'node:path';
import { type StartedForge, startForge } from '@rfe/forge';
import { buildApp } from '@rfe/server/app.ts';
import { loadConfig, publicUrl } from '@rfe/server/config/config.ts';
import { createContext } from '@rfe/server/context.ts';
import { attachGithub } from '@rfe/server/github/github-services.ts';
import { parseArgs } from '../args.ts';
import { ensureWebUiBuilt } from '../web-build.ts';

/** `rfe up`: the whole platform in one process on the embedded defaults (or whatever the env configures). */
export async function runUp(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { port: 'value', 'data-dir': 'value', host: 'value' });
  const env = { ...process.env };
  if (args.flags.port) env.PORT = String(args.flags.port);
  if (args.flags['data-dir']) env.RFE_DATA_DIR = String(args.flags['data-dir']);
  if (args.flags.host) env.HOST = String(args.flags.host);
  const config = loadConfig(env);
  // A fresh clone has no built UI: build it (about a second) rather than serve "not built yet".
  try {
    if (ensureWebUiBuilt() === 'built') console.error('Built the web UI (packages/web/dist).');
  } catch (err) {
    console.error(`Could not build the web UI (${String(err)}); run \`npm run build:web\` and reload.`);
  }

  let forge: StartedForge | undefined;
  if (config.githubMode === 'forge') {
    forge = await startForge({
      dataDir: path.join(config.dataDir, 'forge'),
      port: config.forgePort,
      host: '127.0.0.1',
      seed: 'default',
    });
  }
  const ctx = await createContext(config);
  if (forge) attachGithub(ctx, { apiUrl: forge.apiUrl, webUrl: forge.url, app: forge.app });
  const app = await buildApp(ctx);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  ctx.listenUrl = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (forge) {
    // The forge plays github.com: its App sends users back to this platform after installation.
    const callback = `${publicUrl(config, port)}/api/github/callback`;
    forge.configureApp({ setupUrl: callback, callbackUrls: [callback] });
    forge.setWebhooks([{ url: `${ctx.listenUrl}/api/webhooks/github`, secret: forge.app.webhookSecret }]);
  }
  ctx.logger.info(
    { url: publicUrl(config, port), forge: forge?.url, dataDir: config.dataDir, authMode: config.authMode },
    `RFE Workbench is up on ${publicUrl(config, port)}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    await forge?.close();
    await ctx.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
