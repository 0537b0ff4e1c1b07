import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { startS3rver } from '../../../test/support/s3rver.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

describe.each(DATABASES)('projects API (%s)', (database) => {
  let t: TestApp;
  let s3: Awaited<ReturnType<typeof startS3rver>>;

  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
    s3 = await startS3rver({ buckets: ['team-bucket'] });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  const external = (over: Record<string, unknown> = {}) => ({
    kind: 'external',
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: 'team-bucket',
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    ...over,
  });

  async function bucketKeys(): Promise<string[]> {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const out = await client.send(new ListObjectsV2Command({ Bucket: 'team-bucket' }));
    client.destroy();
    return (out.Contents ?? []).map((o) => o.Key!);
  }

  async function projectNames(user = 'alice'): Promise<string[]> {
    const res = await t.app.inject({ method: 'GET', url: '/api/projects', headers: await t.as(user) });
    return res.json().items.map((p: { name: string }) => p.name);
  }

  it('creates a project on managed storage that is ready, and its creator is admin', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await t.as('alice'),
      payload: { name: 'payments', displayName: 'Payments', storage: { kind: 'managed' } },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'payments',
      displayName: 'Payments',
      createdBy: 'alice',
      storage: { kind: 'managed', state: 'ready' },
    });
    const access = await t.app.inject({
      method: 'GET',
      url: '/api/projects/payments/access',
      headers: await t.as('alice'),
    });
    expect(access.json().role).toBe('admin');
    expect(await t.ctx.platformStore.head('projects/payments/.rfe-project.json')).not.toBeNull();
  });

  it('lists only the projects a user belongs to and hides others', async () => {
    expect(await projectNames('alice')).toContain('payments');
    expect(await projectNames('bob')).not.toContain('payments');
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/projects/payments',
      headers: await t.as('bob'),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('refuses a second project with the same name with 409 naming the conflict', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await t.as('bob'),
      payload: { name: 'payments', storage: { kind: 'managed' } },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'name_taken' });
    expect(res.json().error.message).toContain('payments');
  });

  it('creates a project on external S3 after probing it, and never returns the credentials', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await t.as('alice'),
      payload: { name: 'ext-ok', storage: external({ prefix: 'rfe/' }) },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().storage).toMatchObject({
      kind: 'external',
      state: 'ready',
      bucket: 'team-bucket',
      credentials: 'stored',
    });
    expect(res.body).not.toContain(s3.secretAccessKey === 'S3RVER' ? 'never-matches' : s3.secretAccessKey);
    expect(JSON.stringify(res.json())).not.toMatch(/secretAccessKey|accessKeyId/);
    const row = await t.ctx.db
      .selectFrom('projects')
      .selectAll()
      .where('name', '=', 'ext-ok')
      .executeTakeFirstOrThrow();
    expect(row.storage_secret).not.toContain(s3.secretAccessKey);
    expect(await bucketKeys()).toEqual([]);
  });

  it('gives three distinct actionable errors for a stopped server, wrong credentials and a missing bucket, creating nothing', async () => {
    const before = { projects: await projectNames(), keys: await bucketKeys() };
    const cases = [
      { name: 'ext-down', storage: external({ endpoint: 'http://127.0.0.1:9' }) },
      { name: 'ext-creds', storage: external({ accessKeyId: 'WRONG', secretAccessKey: 'wrong-secret' }) },
      { name: 'ext-nobucket', storage: external({ bucket: 'no-such-bucket' }) },
    ];
    const codes: string[] = [];
    for (const c of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: await t.as('alice'),
        payload: c,
      });
      expect(res.statusCode, c.name).toBe(422);
      const err = res.json().error;
      expect(err.details.step).toMatch(/^\w+$/);
      expect(err.details.hint).toBeTruthy();
      codes.push(err.code);
    }
    expect(new Set(codes).size).toBe(3);
    expect(await projectNames()).toEqual(before.projects);
    expect(await bucketKeys()).toEqual(before.keys);
  });

  it.each([
    ['wrong type', { name: 42, storage: { kind: 'managed' } }, 'name'],
    ['unknown field', { name: 'x1', storage: { kind: 'managed' }, color: 'red' }, 'color'],
    ['invalid name', { name: 'Not_A_Label', storage: { kind: 'managed' } }, 'name'],
    ['too long name', { name: 'a'.repeat(64), storage: { kind: 'managed' } }, 'name'],
    ['missing storage', { name: 'x2' }, 'storage'],
    ['bad storage kind', { name: 'x3', storage: { kind: 'floppy' } }, 'storage.kind'],
    ['managed with a bucket', { name: 'x4', storage: { kind: 'managed', bucket: 'abc' } }, 'storage.bucket'],
    [
      'external without bucket',
      { name: 'x5', storage: { kind: 'external', accessKeyId: 'a', secretAccessKey: 'b' } },
      'storage.bucket',
    ],
  ])('answers %s with 400 naming the field', async (_label, payload, field) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await t.as('alice'),
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.message).toContain(field);
  });

  it('answers an oversized body with 413 and malformed JSON with 400', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { ...(await t.as('alice')), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'big', storage: { kind: 'managed' }, pad: 'x'.repeat(2_000_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { ...(await t.as('alice')), 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('malformed_json');
  });

  it('refuses anonymous callers with 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/projects' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });
});
