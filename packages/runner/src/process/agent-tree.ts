import type { Stats } from 'node:fs';
import { lchown, lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { RunError } from '../errors.ts';
import type { AgentUser } from './agent-user.ts';

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * Makes every entry under `root` (itself included) the agent's. Symbolic links are changed themselves
 * and never followed, so a link in the repository cannot hand the agent a file outside the tree.
 */
export async function giveTreeTo(root: string, agent: AgentUser): Promise<void> {
  await walk(root, async (path) => lchown(path, agent.uid, agent.gid));
}

/**
 * Takes the tree back for the shell once no agent process is left (the commit and the push run as the
 * shell). Refuses a regular file the agent does not own with more than one link: a hard link the agent
 * made to a file from outside the tree (possible where `fs.protected_hardlinks` is 0), which the shell
 * would otherwise read with its own rights and publish.
 */
export async function takeTreeBack(root: string, agent: AgentUser, shell: Owner): Promise<void> {
  await walk(root, async (path, stats) => {
    if (stats.isFile() && stats.nlink > 1 && stats.uid !== agent.uid) {
      throw new RunError(
        'workspace_invalid',
        `${relative(root, path) || '.'} in the work tree is a hard link to a file the agent does not own; nothing was pushed.`,
      );
    }
    await lchown(path, shell.uid, shell.gid);
  });
}

async function walk(path: string, visit: (path: string, stats: Stats) => Promise<void>): Promise<void> {
  let stats: Stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await visit(path, stats);
  if (!stats.isDirectory()) return;
  const names = await readdir(path);
  // A bounded number at a time: wide directories (node_modules) must not exhaust file descriptors.
  for (let i = 0; i < names.length; i += 64) {
    await Promise.all(names.slice(i, i + 64).map((name) => walk(join(path, name), visit)));
  }
}
