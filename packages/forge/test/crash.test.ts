import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForge } from '../src/index.ts';
import { authConfig, gitOk, octokit } from './helpers.ts';

let dataDir: string;
let work: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'forge-crash-'));
  work = await mkdtemp(join(tmpdir(), 'forge-crash-work-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

function startForgeProcess(): Promise<{
  pid: number;
  url: string;
  apiUrl: string;
  token: string;
  kill(): void;
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'support/forge-process.ts'), dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: join(import.meta.dirname, '..', '..', '..'),
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1)
        resolve({ pid: child.pid!, ...JSON.parse(out.slice(0, nl)), kill: () => child.kill('SIGKILL') });
    });
    child.on('exit', (code) => reject(new Error(`forge process exited early (${code})`)));
  });
}

describe('crash safety', () => {
  it('kill -9 during a push and API writes leaves a consistent data dir that loads again', async () => {
    const proc = await startForgeProcess();
    const dir = join(work, 'api');
    await gitOk(
      [...authConfig(proc.token, 'alice'), 'clone', '--quiet', `${proc.url}/acme/api.git`, dir],
      work,
    );
    await writeFile(join(dir, 'big.bin'), randomBytes(24 * 1024 * 1024));
    await gitOk(['add', '.'], dir);
    await gitOk(['commit', '--quiet', '-m', 'big'], dir);
    const api = octokit(proc, proc.token);
    const push = gitOk(
      [...authConfig(proc.token, 'alice'), 'push', 'origin', 'HEAD:refs/heads/big'],
      dir,
    ).catch((e: Error) => e);
    const writes = Array.from({ length: 10 }, (_, i) =>
      api.rest.repos
        .createOrUpdateFileContents({
          owner: 'acme',
          repo: 'web',
          path: `crash/${i}.txt`,
          message: `w${i}`,
          content: 'eA==',
          branch: 'main',
        })
        .catch((e: Error) => e),
    );
    // Kill as soon as receive-pack has started writing the pack into its quarantine directory.
    const objects = join(dataDir, 'repos', 'acme', 'api.git', 'objects');
    const deadline = Date.now() + 10_000;
    while (!(await readdir(objects)).some((e) => e.includes('incoming')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    proc.kill();
    const [pushResult] = await Promise.all([push, ...writes]);
    expect(pushResult).toBeInstanceOf(Error);

    JSON.parse(await readFile(join(dataDir, 'forge.json'), 'utf8'));
    const forge = await startForge({ dataDir });
    try {
      for (const owner of await readdir(join(dataDir, 'repos'))) {
        for (const repo of await readdir(join(dataDir, 'repos', owner))) {
          await gitOk(
            ['--git-dir', join(dataDir, 'repos', owner, repo), 'fsck', '--full', '--no-progress'],
            work,
          );
        }
      }
      const alice = octokit(forge, await forge.userToken('alice'));
      expect((await alice.rest.repos.get({ owner: 'acme', repo: 'api' })).status).toBe(200);
      const big = await alice.rest.git
        .getRef({ owner: 'acme', repo: 'api', ref: 'heads/big' })
        .catch((e) => e);
      if (big.status !== 404) {
        // If receive-pack finished before dying with its parent, the ref points at the complete commit.
        expect(
          (await alice.rest.git.getCommit({ owner: 'acme', repo: 'api', commit_sha: big.data.object.sha }))
            .data.message,
        ).toBe('big');
      }
      const after = join(work, 'after');
      await gitOk(
        [
          ...authConfig(await forge.userToken('alice'), 'alice'),
          'clone',
          '--quiet',
          `${forge.url}/acme/web.git`,
          after,
        ],
        work,
      );
      await gitOk(['fsck', '--no-progress'], after);
    } finally {
      await forge.close();
    }
  });
});
