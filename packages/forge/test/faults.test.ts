import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokit, startTestForge, type TestForge } from './helpers.ts';

let t: TestForge;
let alice: Octokit;
let main: string;

beforeAll(async () => {
  t = await startTestForge();
  alice = octokit(t.forge, await t.forge.userToken('alice'));
  main = (await alice.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' })).data.object.sha;
});
afterAll(() => t.close());

describe('fault injection', () => {
  it('fails writes with 502/503 without applying them; reads keep working', async () => {
    t.forge.setFaults({ serverErrorRate: 1, only: 'writes' });
    try {
      const err = await alice.rest.git
        .createRef({ owner: 'acme', repo: 'api', ref: 'refs/heads/faulted', sha: main })
        .catch((e) => e);
      expect([502, 503]).toContain(err.status);
      expect((await alice.rest.repos.get({ owner: 'acme', repo: 'api' })).status).toBe(200);
    } finally {
      t.forge.setFaults({});
    }
    expect(
      (await alice.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/faulted' }).catch((e) => e))
        .status,
    ).toBe(404);
  });

  it('answers secondary rate limits with 403 and retry-after, without applying the write', async () => {
    t.forge.setFaults({ secondaryRateLimitRate: 1, retryAfterSeconds: 7 });
    let res: Response;
    try {
      res = await fetch(`${t.forge.apiUrl}/repos/acme/api/git/refs`, {
        method: 'POST',
        headers: {
          authorization: `token ${await t.forge.userToken('alice')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ ref: 'refs/heads/limited', sha: main }),
      });
    } finally {
      t.forge.setFaults({});
    }
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await res.json()).message).toMatch(/You have exceeded a secondary rate limit/);
    expect(
      (await alice.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/limited' }).catch((e) => e))
        .status,
    ).toBe(404);
  });

  it('only=reads leaves writes alone', async () => {
    t.forge.setFaults({ serverErrorRate: 1, only: 'reads' });
    try {
      expect(
        (await alice.rest.git.createRef({ owner: 'acme', repo: 'api', ref: 'refs/heads/ok', sha: main }))
          .status,
      ).toBe(201);
      expect([502, 503]).toContain(
        (await alice.rest.repos.get({ owner: 'acme', repo: 'api' }).catch((e) => e)).status,
      );
    } finally {
      t.forge.setFaults({});
    }
  });
});
