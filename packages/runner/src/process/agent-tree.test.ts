import { link, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canRunAgentUid } from '../../test/support/agent-uid.ts';
import { giveTreeTo, takeTreeBack } from './agent-tree.ts';

const AGENT = { uid: 199_004, gid: 199_014 };
const SHELL = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rfe-agent-tree-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(canRunAgentUid('agent tree'))('handing the work tree to the agent and back (as root)', () => {
  it('changes every entry, links themselves, and never what a link points at', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'a/b'), { recursive: true });
    await writeFile(join(tree, 'a/b/file'), 'x');
    await writeFile(join(dir, 'outside'), 'secret', { mode: 0o600 });
    await symlink(join(dir, 'outside'), join(tree, 'a/link'));

    await giveTreeTo(tree, AGENT);
    for (const path of ['', 'a', 'a/b', 'a/b/file', 'a/link']) {
      const s = await lstat(join(tree, path));
      expect([path, s.uid, s.gid]).toEqual([path, AGENT.uid, AGENT.gid]);
    }
    expect((await stat(join(dir, 'outside'))).uid).toBe(SHELL.uid);

    await takeTreeBack(tree, AGENT, SHELL);
    for (const path of ['', 'a', 'a/b', 'a/b/file', 'a/link'])
      expect((await lstat(join(tree, path))).uid).toBe(SHELL.uid);
  });

  it('refuses a hard link to a file the agent does not own (nothing is published from outside the tree)', async () => {
    const tree = join(dir, 'tree');
    await mkdir(tree);
    await giveTreeTo(tree, AGENT);
    await writeFile(join(dir, 'shadow'), 'root only', { mode: 0o600 });
    await link(join(dir, 'shadow'), join(tree, 'copy'));
    await expect(takeTreeBack(tree, AGENT, SHELL)).rejects.toMatchObject({
      code: 'workspace_invalid',
      message: 'copy in the work tree is a hard link to a file the agent does not own; nothing was pushed.',
    });
  });
});
