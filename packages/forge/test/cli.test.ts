import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseForgeArgs, runForgeCli } from '../src/cli.ts';
import { octokit } from './helpers.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'forge-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('rfe forge CLI', () => {
  it('parses --port, --data-dir and --seed', () => {
    expect(parseForgeArgs(['--port', '0', '--data-dir=/x', '--seed', 'seed.yaml'])).toMatchObject({
      port: 0,
      dataDir: '/x',
      seed: 'seed.yaml',
    });
    expect(() => parseForgeArgs(['--port', 'abc'])).toThrow(/invalid --port/);
    expect(() => parseForgeArgs(['--nope'])).toThrow(/unknown option/);
  });

  it('starts from a YAML seed, prints where the App credentials are, never the private key', async () => {
    const seedPath = join(dir, 'seed.yaml');
    await writeFile(
      seedPath,
      [
        'users:',
        '  - login: dora',
        'orgs:',
        '  - login: demo',
        '    members: [{ login: dora, role: admin }]',
        'repos:',
        '  - owner: demo',
        '    name: lib',
        '    private: true',
        '    files: { "README.md": "# lib\\n" }',
        '  - owner: demo',
        '    name: top',
        '    files: { "README.md": "# top\\n" }',
        '    submodules: [{ path: deps/lib, repo: demo/lib }]',
        'app: { slug: demo-app, id: 77 }',
        'installations: [{ account: dora }]',
        '',
      ].join('\n'),
    );
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const dataDir = join(dir, 'data');
    const forge = await runForgeCli(['--port', '0', '--data-dir', dataDir, '--seed', seedPath]);
    const printed = write.mock.calls.map((c) => String(c[0])).join('');
    write.mockRestore();
    try {
      expect(printed).toContain(forge.url);
      expect(printed).toContain(join(dataDir, 'app.json'));
      expect(printed).not.toContain('PRIVATE KEY');
      expect((await stat(join(dataDir, 'app-private-key.pem'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dataDir, 'app.json'))).mode & 0o777).toBe(0o600);
      const creds = JSON.parse(await readFile(join(dataDir, 'app.json'), 'utf8'));
      expect(creds).toMatchObject({ id: 77, slug: 'demo-app', apiUrl: forge.apiUrl });
      const dora = octokit(forge, await forge.userToken('dora'));
      const sub = await dora.rest.repos.getContent({ owner: 'demo', repo: 'top', path: 'deps/lib' });
      expect(sub.data).toMatchObject({ type: 'submodule', submodule_git_url: `${forge.url}/demo/lib.git` });
    } finally {
      await forge.close();
    }
  });
});
