import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type StartedForge, startForge } from '@rfe/forge';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubClient } from './github-client.ts';
import { createGitHubMetrics } from './github-metrics.ts';

describe('the GitHub client layer against the forge', () => {
  let forge: StartedForge;
  let dir: string;
  let token: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-ghclient-'));
    forge = await startForge({ dataDir: dir, port: 0, seed: 'default' });
    token = await forge.userToken('alice');
  });
  afterAll(async () => {
    await forge?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = (writeGapMs = 0) => {
    const registry = new Registry();
    const metrics = createGitHubMetrics(registry);
    return { c: new GitHubClient({ apiUrl: forge.apiUrl, metrics, writeGapMs, baseDelayMs: 5 }), registry };
  };

  it('revalidates with If-None-Match: a repeated read is answered by 304 and costs no rate limit', async () => {
    const { c, registry } = client();
    const octokit = c.octokit({ token, scope: 'user:alice', kind: 'user' });
    const first = await octokit.rest.repos.getContent({ owner: 'acme', repo: 'api', path: 'README.md' });
    const before = forge.stats().countedRequests;
    const second = await octokit.rest.repos.getContent({ owner: 'acme', repo: 'api', path: 'README.md' });
    expect(second.data).toEqual(first.data);
    expect(forge.stats().countedRequests).toBe(before);
    expect(await registry.getSingleMetricAsString('rfe_github_requests_total')).toMatch(
      /cached="true"[^\n]* 1/,
    );
  });

  it("keys the cache by credential scope: another scope never gets this scope's cached answer", async () => {
    const { c } = client();
    await c
      .octokit({ token, scope: 'user:alice', kind: 'user' })
      .rest.repos.get({ owner: 'acme', repo: 'web' });
    const carol = c.octokit({ token: await forge.userToken('carol'), scope: 'user:carol', kind: 'user' });
    await expect(carol.rest.repos.get({ owner: 'acme', repo: 'web' })).rejects.toMatchObject({ status: 404 });
  });

  it('reads succeed through injected 5xx and secondary rate limits', async () => {
    const { c } = client();
    const octokit = c.octokit({ token, scope: 'user:alice:faults', kind: 'user' });
    forge.setFaults({
      serverErrorRate: 0.15,
      secondaryRateLimitRate: 0.1,
      retryAfterSeconds: 0,
      only: 'reads',
    });
    try {
      for (let i = 0; i < 30; i++) {
        const res = await octokit.rest.repos.getContent({
          owner: 'acme',
          repo: 'umbrella',
          path: '',
          ref: 'main',
        });
        expect(Array.isArray(res.data)).toBe(true);
      }
    } finally {
      forge.setFaults({});
    }
  });

  it('a write refused by a secondary rate limit is retried after retry-after and applied once; a 5xx write is not resent', async () => {
    const { c } = client();
    const octokit = c.octokit({ token, scope: 'user:alice:writes', kind: 'user' });
    const branches = async () =>
      (
        await octokit.paginate(octokit.rest.repos.listBranches, { owner: 'acme', repo: 'api', per_page: 100 })
      ).map((b) => b.name);
    const main = await octokit.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' });

    forge.setFaults({ secondaryRateLimitRate: 1, retryAfterSeconds: 1, only: 'writes' });
    const attempt = octokit.rest.git.createRef({
      owner: 'acme',
      repo: 'api',
      ref: 'refs/heads/limited',
      sha: main.data.object.sha,
    });
    // The first attempt is refused with retry-after: 1; the limit lifts while the client waits.
    await new Promise((r) => setTimeout(r, 200));
    forge.setFaults({});
    await attempt;
    expect((await branches()).filter((b) => b === 'limited')).toHaveLength(1);

    forge.setFaults({ serverErrorRate: 1, only: 'writes' });
    const before = forge.stats().byRoute;
    await expect(
      octokit.rest.git.createRef({
        owner: 'acme',
        repo: 'api',
        ref: 'refs/heads/broken',
        sha: main.data.object.sha,
      }),
    ).rejects.toMatchObject({ status: expect.any(Number) });
    forge.setFaults({});
    const after = forge.stats().byRoute;
    const sent = Object.keys(after).reduce((n, k) => n + (after[k]! - (before[k] ?? 0)), 0);
    expect(sent).toBe(1);
    expect(await branches()).not.toContain('broken');
  });

  it('spaces content-creating requests at least writeGapMs apart', async () => {
    const { c } = client(150);
    const octokit = c.octokit({ token, scope: 'user:alice:spaced', kind: 'user' });
    const main = await octokit.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main' });
    const started = Date.now();
    await Promise.all(
      [1, 2, 3].map((i) =>
        octokit.rest.git.createRef({
          owner: 'acme',
          repo: 'web',
          ref: `refs/heads/spaced-${i}`,
          sha: main.data.object.sha,
        }),
      ),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });
});
