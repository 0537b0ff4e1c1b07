import { join, resolve } from 'node:path';
import { loadSeedFile } from './seed/load-seed-file.ts';
import { startForge } from './server.ts';
import { writeFileAtomic } from './state/store.ts';
import type { ForgeSeed, StartedForge } from './types.ts';

const USAGE = `usage: rfe forge [--port N] [--host H] [--data-dir DIR] [--seed FILE|default|none] [--public-url URL]`;

interface CliOptions {
  port: number;
  host: string;
  dataDir: string;
  seed: string;
  publicUrl?: string;
}

export function parseForgeArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { port: 8081, host: '127.0.0.1', dataDir: '.rfe/forge', seed: 'default' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--port') {
      opts.port = Number(value());
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
        throw new Error(`invalid --port\n${USAGE}`);
    } else if (flag === '--host') opts.host = value();
    else if (flag === '--data-dir') opts.dataDir = value();
    else if (flag === '--seed') opts.seed = value();
    else if (flag === '--public-url') opts.publicUrl = value();
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return opts;
}

/** `rfe forge`: runs the forge until SIGINT/SIGTERM. App credentials go to files in the data dir, never stdout. */
export async function runForgeCli(argv: string[]): Promise<StartedForge> {
  const opts = parseForgeArgs(argv);
  const dataDir = resolve(opts.dataDir);
  let seed: ForgeSeed | 'default' | false = 'default';
  if (opts.seed === 'none') seed = false;
  else if (opts.seed !== 'default') seed = await loadSeedFile(resolve(opts.seed));
  const forge = await startForge({
    dataDir,
    port: opts.port,
    host: opts.host,
    seed,
    publicUrl: opts.publicUrl,
  });
  const credentialsPath = join(dataDir, 'app.json');
  const keyPath = join(dataDir, 'app-private-key.pem');
  const { privateKeyPem: _key, ...app } = forge.app;
  writeFileAtomic(
    credentialsPath,
    `${JSON.stringify({ ...app, privateKeyPath: keyPath, apiUrl: forge.apiUrl, url: forge.url }, null, 2)}\n`,
    0o600,
  );
  process.stdout.write(
    [
      `forge listening on ${forge.url}`,
      `  REST API:        ${forge.apiUrl}`,
      `  git:             ${forge.url}/{owner}/{repo}.git`,
      `  App:             ${app.slug} (id ${app.id}, client id ${app.clientId})`,
      `  App credentials: ${credentialsPath}`,
      `  App private key: ${keyPath}`,
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await forge.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return forge;
}
