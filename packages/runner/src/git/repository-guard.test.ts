import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from './clone-workspace.ts';
import { RepositoryGuard } from './repository-guard.ts';

const run = promisify(execFile);
const git = (cwd: string, ...args: string[]) =>
  run('git', ['-c', 'protocol.file.allow=always', '-c', 'user.name=t', '-c', 'user.email=t@x', ...args], {
    cwd,
  });

let base: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'rfe-guard-'));
  for (const name of ['api', 'umbrella']) {
    await git(base, 'init', '-q', '-b', 'main', name);
    await writeFile(join(base, name, 'README.md'), `# ${name}\n`);
    await git(join(base, name), 'add', '-A');
    await git(join(base, name), 'commit', '-qm', 'init');
  }
  await git(join(base, 'umbrella'), 'submodule', 'add', '-q', `file://${join(base, 'api')}`, 'repos/api');
  await git(join(base, 'umbrella'), 'commit', '-qm', 'pin api');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function cloned(name: string): Promise<Workspace> {
  const root = join(base, name);
  await git(base, 'clone', '-q', join(base, 'umbrella'), root);
  await git(root, 'submodule', 'update', '-q', '--init', '--', 'repos/api');
  const sub = { path: 'repos/api', url: '', repo: 'acme/api', required: true, baseSha: '' };
  return { root, repo: 'acme/umbrella', branch: 'main', baseSha: '', submodules: [sub], skipped: [] };
}

describe('what the agent wrote into the repositories’ git metadata', () => {
  it('is undone: configuration restored, redirects removed, a rewritten .git file put back', async () => {
    const workspace = await cloned('restore');
    const { root } = workspace;
    const modules = join(root, '.git/modules/repos/api');
    const before = [
      await readFile(join(root, '.git/config'), 'utf8'),
      await readFile(join(modules, 'config'), 'utf8'),
    ];
    const gitFile = await readFile(join(root, 'repos/api/.git'), 'utf8');
    const guard = await RepositoryGuard.capture(workspace);

    // The agent at work: a commit of its own, then code the shell's git would run, a push URL rewrite,
    // redirects elsewhere.
    await git(root, 'commit', '-qm', 'the agent may commit', '--allow-empty');
    await git(root, 'config', 'core.fsmonitor', 'touch /tmp/owned');
    await git(root, 'config', `url.http://evil.example/.insteadOf`, 'http://');
    await writeFile(join(modules, 'config'), '[core]\n\tsshCommand = touch /tmp/owned\n');
    await writeFile(join(root, '.git/commondir'), '/tmp/elsewhere\n');
    await writeFile(join(root, '.git/objects/info/alternates'), '/tmp/objects\n');
    await writeFile(join(root, 'repos/api/.git'), 'gitdir: /tmp/elsewhere\n');

    await guard.restore();
    expect(await readFile(join(root, '.git/config'), 'utf8')).toBe(before[0]);
    expect(await readFile(join(modules, 'config'), 'utf8')).toBe(before[1]);
    expect(await readFile(join(root, 'repos/api/.git'), 'utf8')).toBe(gitFile);
    for (const file of ['.git/commondir', '.git/objects/info/alternates'])
      expect(await stat(join(root, file)).catch(() => null), file).toBeNull();
    // The agent's commit stays: only what makes git run or redirect things went.
    expect((await git(root, 'log', '-1', '--format=%s')).stdout.trim()).toBe('the agent may commit');
    expect((await git(join(root, 'repos/api'), 'rev-parse', '--is-inside-work-tree')).stdout.trim()).toBe(
      'true',
    );
  });

  it('refuses (nothing is pushed) a .git or a submodule the agent replaced with a link elsewhere', async () => {
    const elsewhere = await cloned('elsewhere');
    for (const [what, replace] of [
      ['.git', (root: string) => symlink(join(elsewhere.root, '.git'), join(root, '.git'))],
      ['repos/api', (root: string) => symlink(join(elsewhere.root, 'repos/api'), join(root, 'repos/api'))],
    ] as const) {
      const workspace = await cloned(`replaced-${what.replace('/', '-')}`);
      const guard = await RepositoryGuard.capture(workspace);
      await rm(join(workspace.root, what), { recursive: true, force: true });
      await replace(workspace.root);
      await expect(guard.restore(), what).rejects.toMatchObject({ code: 'workspace_invalid' });
    }
  });
});
