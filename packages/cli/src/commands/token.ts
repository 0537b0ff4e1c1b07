import path from 'node:path';
import { devUsers } from '@rfe/server/auth/dev-users.ts';
import { loadConfig } from '@rfe/server/config/config.ts';
import { migrateToLatest, openDatabase } from '@rfe/server/db/database.ts';
import { createApiToken, findUserBySubject, upsertUser } from '@rfe/server/db/users.ts';
import { parseArgs, UsageError } from '../args.ts';

/** `rfe token <user>`: a bearer token for scripts, stored hashed like every API token. */
export async function runToken(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { 'data-dir': 'value', 'ttl-days': 'value' });
  const subject = args.positionals[0];
  if (!subject) throw new UsageError('Usage: rfe token <user>   (e.g. rfe token alice)');
  const config = loadConfig(
    process.env,
    args.flags['data-dir'] ? { dataDir: String(args.flags['data-dir']) } : {},
  );
  const handle = openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: path.join(config.dataDir, 'rfe.db'),
  });
  try {
    await migrateToLatest(handle.db);
    if (config.authMode === 'dev') for (const u of devUsers) await upsertUser(handle.db, u);
    const user = await findUserBySubject(handle.db, subject);
    if (!user)
      throw new UsageError(`No user "${subject}". Users sign in once before tokens can be made for them.`);
    const days = args.flags['ttl-days'] ? Number(args.flags['ttl-days']) : 30;
    if (!Number.isInteger(days) || days < 1 || days > 365)
      throw new UsageError('--ttl-days takes a whole number from 1 to 365.');
    const { token } = await createApiToken(handle.db, user.id, 'cli', days * 86_400_000);
    console.log(token);
  } finally {
    await handle.close();
  }
}
