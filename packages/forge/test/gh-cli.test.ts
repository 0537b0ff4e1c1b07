import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedForge, startForge } from '../src/index.ts';
import { computedPull, forkReady, octokit, userAccessToken } from './helpers.ts';
import { generateCertificate, startTlsProxy, type TlsProxy } from './support/tls-proxy.ts';

/**
 * The GitHub CLI (Debian's `gh`, installed by scripts/test.sh) against the forge behind a TLS terminator
 * with a generated certificate, as a GitHub Enterprise host: GH_HOST, GH_ENTERPRISE_TOKEN (a user access
 * token from the App's OAuth flow) and SSL_CERT_FILE. Nobody here wrote gh: it checks the forge's shapes.
 */

let dir: string;
let proxy: TlsProxy;
let forge: StartedForge;
let env: Record<string, string>;
let host: string;
let prNumber: number;

function gh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('gh', args, { env, cwd: dir, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'forge-gh-'));
  const cert = await generateCertificate(dir);
  proxy = await startTlsProxy(cert);
  host = `localhost:${proxy.port}`;
  forge = await startForge({ dataDir: join(dir, 'forge'), publicUrl: `https://${host}` });
  proxy.target = new URL(forge.listenUrl);
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    GH_CONFIG_DIR: join(dir, 'gh-config'),
    GH_HOST: host,
    GH_ENTERPRISE_TOKEN: await userAccessToken({ ...forge, url: forge.listenUrl }, 'alice'),
    SSL_CERT_FILE: cert.certFile,
    GH_NO_UPDATE_NOTIFIER: '1',
    GH_PROMPT_DISABLED: '1',
    NO_COLOR: '1',
  };
  const alice = octokit({ apiUrl: `${forge.listenUrl}/api/v3` }, await forge.userToken('alice'));
  const main = (await alice.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' })).data.object
    .sha;
  await alice.rest.git.createRef({ owner: 'acme', repo: 'api', ref: 'refs/heads/gh', sha: main });
  await alice.rest.repos.createOrUpdateFileContents({
    owner: 'acme',
    repo: 'api',
    path: 'gh.txt',
    message: 'gh',
    content: Buffer.from('from gh\n').toString('base64'),
    branch: 'gh',
  });
  prNumber = (
    await alice.rest.pulls.create({ owner: 'acme', repo: 'api', title: 'gh', head: 'gh', base: 'main' })
  ).data.number;
  await computedPull(alice, 'acme', 'api', prNumber);
}, 60_000);
afterAll(async () => {
  await forge?.close();
  await proxy?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('gh against the forge over TLS', () => {
  it('gh api user', async () => {
    const r = await gh(['api', 'user']);
    expect(r.code, r.stderr).toBe(0);
    const user = JSON.parse(r.stdout);
    expect(user).toMatchObject({ login: 'alice', type: 'User', url: `https://${host}/api/v3/users/alice` });
  });

  it('gh api --paginate follows the Link headers across pages', async () => {
    const r = await gh(['api', '--paginate', '/orgs/acme/repos?per_page=1', '--jq', '.[].full_name']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['acme/api', 'acme/umbrella', 'acme/web']);
  });

  it('gh auth status', async () => {
    const r = await gh(['auth', 'status']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr + r.stdout).toContain(`Logged in to ${host} as alice`);
  });

  it('gh repo fork (asynchronous fork: the fork fills in afterwards)', async () => {
    const r = await gh(['repo', 'fork', 'acme/umbrella', '--clone=false']);
    expect(r.code, r.stderr).toBe(0);
    const alice = octokit({ apiUrl: `${forge.listenUrl}/api/v3` }, await forge.userToken('alice'));
    await forkReady(alice, 'alice', 'umbrella');
    expect((await alice.rest.repos.get({ owner: 'alice', repo: 'umbrella' })).data.parent?.full_name).toBe(
      'acme/umbrella',
    );
  });

  it("gh api … -H 'Accept: application/vnd.github.diff' prints the diff", async () => {
    const r = await gh([
      'api',
      `repos/acme/api/pulls/${prNumber}`,
      '-H',
      'Accept: application/vnd.github.diff',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^diff --git a\/gh\.txt b\/gh\.txt\n/);
    expect(r.stdout).toContain('+from gh\n');
  });
});
