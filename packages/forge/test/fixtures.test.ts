import fixtures from '@octokit/fixtures';
import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokit, startTestForge, type TestForge } from './helpers.ts';

/**
 * Compares forge responses with recorded api.github.com interactions from @octokit/fixtures: every key
 * GitHub sent must be present here with the same JSON type (null in the recording matches anything).
 * Newer keys the recordings predate are allowed.
 */
type Recording = {
  method: string;
  path: string;
  status: number;
  response: unknown;
  headers: Record<string, string>;
};
const scenario = (name: string) => fixtures.get(`api.github.com/${name}`) as Recording[];

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function shapeProblems(recorded: unknown, ours: unknown, path = '$', out: string[] = []): string[] {
  if (recorded === null) return out;
  if (typeOf(recorded) !== typeOf(ours)) {
    out.push(`${path}: ${typeOf(recorded)} recorded, ${typeOf(ours)} here`);
    return out;
  }
  if (Array.isArray(recorded) && Array.isArray(ours)) {
    if (recorded.length > 0 && ours.length > 0) shapeProblems(recorded[0], ours[0], `${path}[0]`, out);
  } else if (recorded && typeof recorded === 'object') {
    for (const [k, v] of Object.entries(recorded as Record<string, unknown>)) {
      const mine = (ours as Record<string, unknown>)[k];
      if (!(k in (ours as object))) out.push(`${path}.${k}: missing`);
      else shapeProblems(v, mine, `${path}.${k}`, out);
    }
  }
  return out;
}

let t: TestForge;
let alice: Octokit;

beforeAll(async () => {
  t = await startTestForge();
  alice = octokit(t.forge, await t.forge.userToken('alice'));
});
afterAll(() => t.close());

describe('same keys and value types as recorded GitHub responses', () => {
  it('get-repository', async () => {
    const [rec] = scenario('get-repository');
    const { data, headers } = await alice.rest.repos.get({ owner: 'acme', repo: 'api' });
    expect(shapeProblems(rec.response, data)).toEqual([]);
    for (const h of [
      'etag',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'x-ratelimit-resource',
      'x-github-request-id',
      'x-github-media-type',
    ]) {
      expect(headers[h], h).toBeDefined();
    }
  });

  it('get-content (directory listing and raw file)', async () => {
    const [dir, raw] = scenario('get-content');
    const listing = await alice.rest.repos.getContent({ owner: 'acme', repo: 'api', path: '' });
    expect(shapeProblems(dir.response, listing.data)).toEqual([]);
    const file = await alice.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: 'acme',
      repo: 'api',
      path: 'README.md',
      headers: { accept: 'application/vnd.github.v3.raw' },
    });
    expect(typeof file.data).toBe(typeof raw.response);
    expect(String(file.data)).toContain('# acme/api');
  });

  it('git-refs (list, create, update, delete)', async () => {
    const [list, create, update, , del] = scenario('git-refs');
    const o = { owner: 'acme', repo: 'api' };
    const listed = await alice.request('GET /repos/{owner}/{repo}/git/refs/', o);
    expect(shapeProblems(list.response, listed.data)).toEqual([]);
    const main = (listed.data as { object: { sha: string } }[])[0].object.sha;
    const created = await alice.request('POST /repos/{owner}/{repo}/git/refs', {
      ...o,
      ref: 'refs/heads/test',
      sha: main,
    });
    expect(created.status).toBe(create.status);
    expect(shapeProblems(create.response, created.data)).toEqual([]);
    const updated = await alice.request('PATCH /repos/{owner}/{repo}/git/refs/heads/test', {
      ...o,
      sha: main,
    });
    expect(updated.status).toBe(update.status);
    expect(shapeProblems(update.response, updated.data)).toEqual([]);
    const deleted = await alice.request('DELETE /repos/{owner}/{repo}/git/refs/heads/test', o);
    expect(deleted.status).toBe(del.status);
  });

  it('create-file', async () => {
    const [rec] = scenario('create-file');
    const res = await alice.rest.repos.createOrUpdateFileContents({
      owner: 'acme',
      repo: 'api',
      path: 'test.txt',
      message: 'create test.txt',
      content: 'VGVzdCBjb250ZW50',
    });
    expect(res.status).toBe(rec.status);
    expect(shapeProblems(rec.response, res.data)).toEqual([]);
    expect(res.data.content?.size).toBe(12);
  });

  it('errors (422 validation failed)', async () => {
    const [rec] = scenario('errors');
    const err = await alice.rest.pulls
      .create({ owner: 'acme', repo: 'api', title: 't', head: 'missing', base: 'main' })
      .catch((e) => e);
    expect(err.status).toBe(rec.status);
    expect(shapeProblems(rec.response, err.response.data)).toEqual([]);
    expect(err.response.data.message).toBe('Validation Failed');
  });
});
