/**
 * A server process for crash tests and benchmarks: the real application on a fixed data directory and
 * port, configured by the environment like `rfe up` (OBJECT_STORE, S3_*, REDIS_URL …).
 * Usage: node --import tsx server-main.ts <dataDir> <port>. Prints "ready" once it listens.
 */
import { buildApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createContext } from '../../../src/context.ts';
import { attachGithub } from '../../../src/github/github-services.ts';
import { createMessagingHub } from '../../../src/messaging/index.ts';
import { createLogger } from '../../../src/observability/logger.ts';

const [dataDir, port] = process.argv.slice(2);
const config = loadConfig(
  { ...process.env, LOG_LEVEL: 'silent' },
  { dataDir, port: Number(port), host: '127.0.0.1' },
);
const ctx = await createContext(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
// Benchmarks try other messaging tunables through RFE_MESSAGING_SETTINGS (JSON).
if (process.env.RFE_MESSAGING_SETTINGS) {
  await ctx.messaging.close();
  ctx.messaging = await createMessagingHub(ctx, JSON.parse(process.env.RFE_MESSAGING_SETTINGS));
}
// Session tests hand over a Git host (the test's forge) as JSON: RFE_TEST_GITHUB = attachGithub's settings.
if (process.env.RFE_TEST_GITHUB) attachGithub(ctx, JSON.parse(process.env.RFE_TEST_GITHUB));
ctx.listenUrl = `http://127.0.0.1:${port}`;
const app = await buildApp(ctx);
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await app.close();
  await ctx.close();
  process.exit(0);
});
