import { ConfigError } from '@rfe/server/errors.ts';
import { UsageError } from './args.ts';
import { runForge } from './commands/forge.ts';
import { runToken } from './commands/token.ts';
import { runUp } from './commands/up.ts';

const usage = `rfe — RFE Workbench

  rfe up [--port N] [--data-dir DIR]      start the platform (embedded defaults: SQLite, local object store, bundled forge)
  rfe token <user> [--data-dir DIR]       print a bearer API token for <user> (for scripts and curl)
  rfe forge [--port N] [--data-dir DIR] [--seed FILE|default]   run the bundled GitHub-compatible forge alone
  rfe help                                this text

Every setting also has an environment variable; see docs/configuration.md.`;

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  up: runUp,
  token: runToken,
  forge: runForge,
};

async function main(argv: string[]): Promise<void> {
  const [name = 'help', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    console.log(usage);
    return;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`Unknown command "${name}".\n\n${usage}`);
  await command(rest);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(`rfe: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
