import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a runner restarted on the same work directory needs to know about the attempt before it: a
 * finished run only delivers what its outbox still holds and exits as it did; an interrupted one starts over.
 */
export type RunState =
  | { status: 'running'; attempt: number }
  | { status: 'finished'; attempt: number; exitCode: number };

const FILE = 'run-state.json';

export async function readRunState(workDir: string): Promise<RunState | undefined> {
  try {
    return JSON.parse(await readFile(join(workDir, FILE), 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

/** The runner's last word for a launcher that is not its parent (the server that started it may be gone). */
export async function writeExitFile(workDir: string, exitCode: number): Promise<void> {
  const path = join(workDir, 'exit.json');
  await writeFile(`${path}.tmp`, JSON.stringify({ exitCode, at: new Date().toISOString() }));
  await rename(`${path}.tmp`, path);
}

export async function writeRunState(workDir: string, state: RunState): Promise<void> {
  const path = join(workDir, FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(state));
  await rename(`${path}.tmp`, path);
}
