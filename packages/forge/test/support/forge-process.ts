import { startForge } from '../../src/index.ts';

/** Runs a forge in its own process (for kill -9 tests): prints one JSON line with its URL and a token. */
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: forge-process.ts <dataDir>');
const forge = await startForge({ dataDir });
process.stdout.write(
  `${JSON.stringify({ url: forge.url, apiUrl: forge.apiUrl, token: await forge.userToken('alice') })}\n`,
);
setInterval(() => undefined, 60_000);
