import { runForgeCli } from '@rfe/forge/cli.ts';

/** `rfe forge`: the bundled GitHub-compatible forge on its own. */
export async function runForge(argv: string[]): Promise<void> {
  await runForgeCli(argv);
}
