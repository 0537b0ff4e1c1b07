/**
 * A server process for crash tests: the real application on a fixed data directory and port.
 * Usage: node --import tsx server-main.ts <dataDir> <port>. Prints "ready" once it listens.
 */
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config/config.ts';
import { createContext } from '../../context.ts';
import { createLogger } from '../../observability/logger.ts';

const [dataDir, port] = process.argv.slice(2);
const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir, port: Number(port), host: '127.0.0.1' });
const ctx = await createContext(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
const app = await buildApp(ctx);
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await app.close();
  await ctx.close();
  process.exit(0);
});
