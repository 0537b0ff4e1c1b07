import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';

export interface KeyMaterial {
  sessionSecret: string;
  encryptionKey: Buffer;
}

/**
 * Keys come from configuration; in the embedded mode they are generated once and kept in the data directory
 * (mode 0600) so restarts keep sessions and can still decrypt stored secrets.
 */
export function loadKeyMaterial(opts: {
  dataDir: string;
  sessionSecret?: string;
  encryptionKey?: string;
}): KeyMaterial {
  const file = path.join(opts.dataDir, 'keys.json');
  let stored: { sessionSecret?: string; encryptionKey?: string } = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  const sessionSecret = opts.sessionSecret ?? stored.sessionSecret ?? randomBytes(32).toString('base64url');
  const keyText = opts.encryptionKey ?? stored.encryptionKey ?? randomBytes(32).toString('base64');
  const encryptionKey = Buffer.from(keyText, 'base64');
  if (encryptionKey.length !== 32) {
    throw new ConfigError(
      'ENCRYPTION_KEY',
      'must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`).',
    );
  }
  if (!opts.sessionSecret || !opts.encryptionKey) {
    const toStore = {
      sessionSecret: opts.sessionSecret ? undefined : sessionSecret,
      encryptionKey: opts.encryptionKey ? undefined : keyText,
    };
    if (toStore.sessionSecret !== stored.sessionSecret || toStore.encryptionKey !== stored.encryptionKey) {
      fs.mkdirSync(opts.dataDir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify(toStore), { mode: 0o600 });
    }
  }
  return { sessionSecret, encryptionKey };
}
