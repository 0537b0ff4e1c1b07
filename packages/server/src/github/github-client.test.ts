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

  const client = (writeGapMs = 0, sleep?: (ms: number) => Promise<void>) => {
    const registry = new Registry();
    const metrics = createGitHubMetrics(registry);
    return {
      c: new GitHubClient({ apiUrl: forge.apiUrl, metrics, writeGapMs, baseDelayMs: 5, sleep }),
      registry,
    };
  };

  /**
   * A fault plan: the forge answers with `plan[0]` now; each time the client waits to retry, the wait is
   * recorded and the next entry applies (then none). Which path runs is decided by the plan, never by time.
   */
  const faultPlan = (...plan: Parameters<StartedForge['setFaults']>[0][]) => {
    const waits: number[] = [];
    forge.setFaults(plan.shift() ?? {});
    const sleep = async (ms: number) => {
      waits.push(ms);
      forge.setFaults(plan.shift() ?? {});
    };
    return { waits, sleep };
  };
  const retries = async (registry: Registry, reason: string) =>
    Number(
      (await registry.getSingleMetricAsString('rfe_github_retries_total')).match(
        new RegExp(`reason="${reason}"[^\\n]* (\\d+)`),
      )?.[1] ?? 0,
    );

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

  it('a read is retried through a 5xx and then a secondary rate limit, waiting what retry-after asks', async () => {
    const { waits, sleep } = faultPlan(
      { serverErrorRate: 1, only: 'reads' },
      { secondaryRateLimitRate: 1, retryAfterSeconds: 7, only: 'reads' },
    );
    const { c, registry } = client(0, sleep);
    const octokit = c.octokit({ token, scope: 'user:alice:faults', kind: 'user' });
    try {
      const res = await octokit.rest.repos.getContent({
        owner: 'acme',
        repo: 'umbrella',
        path: '',
        ref: 'main',
      });
      expect(Array.isArray(res.data)).toBe(true);
    } finally {
      forge.setFaults({});
    }
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThan(5); // backoff with jitter: under baseDelayMs on the first retry
    expect(waits[1]).toBe(7000);
    expect(await retries(registry, 'server_error')).toBe(1);
    expect(await retries(registry, 'secondary_rate_limit')).toBe(1);
  });

  it('a read that keeps failing gives up after maxAttempts with the last error', async () => {
    const always = { serverErrorRate: 1, only: 'reads' as const };
    const { waits, sleep } = faultPlan(always, always, always, always, always, always);
    const { c } = client(0, sleep);
    const octokit = c.octokit({ token, scope: 'user:alice:down', kind: 'user' });
    try {
      await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'api' })).rejects.toMatchObject({
        status: expect.any(Number),
      });
    } finally {
      forge.setFaults({});
    }
    expect(waits).toHaveLength(5); // 6 attempts, 5 waits between them
  });

  it('a write refused by a secondary rate limit is retried after retry-after and applied once; a 5xx write is not resent', async () => {
    const { waits, sleep } = faultPlan({ secondaryRateLimitRate: 1, retryAfterSeconds: 1, only: 'writes' });
    const { c } = client(0, sleep);
    const octokit = c.octokit({ token, scope: 'user:alice:writes', kind: 'user' });
    const branches = async () =>
      (
        await octokit.paginate(octokit.rest.repos.listBranches, { owner: 'acme', repo: 'api', per_page: 100 })
      ).map((b) => b.name);
    forge.setFaults({});
    const main = await octokit.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' });

    forge.setFaults({ secondaryRateLimitRate: 1, retryAfterSeconds: 1, only: 'writes' });
    // The first attempt is refused with retry-after: 1; the plan lifts the limit while the client waits.
    await octokit.rest.git.createRef({
      owner: 'acme',
      repo: 'api',
      ref: 'refs/heads/limited',
      sha: main.data.object.sha,
    });
    expect(waits).toEqual([1000]);
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
    expect(waits).toEqual([1000]); // no wait: a 5xx write is final
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
