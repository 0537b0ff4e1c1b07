import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { type S3rverHandle, startS3rver } from '../../../test/support/s3rver.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { findProjectByName } from '../../db/projects.ts';

/** One s3rver for both database variants: the buckets are per variant, the server is the slow part. */
let s3: S3rverHandle;
beforeAll(async () => {
  s3 = await startS3rver({ buckets: DATABASES.map((d) => `bucket-${d}`) });
});
afterAll(() => s3?.stop());

describe.each(DATABASES)('project storage API (%s)', (database) => {
  let t: TestApp;
  const bucket = `bucket-${database}`;
  const call = async (user: string, method: 'GET' | 'PUT', payload?: unknown) =>
    t.app.inject({
      method,
      url: '/api/projects/data/storage',
      headers: await t.as(user),
      payload: payload as object,
    });
  const external = (over: Record<string, unknown> = {}) => ({
    kind: 'external',
    endpoint: s3.endpoint,
    region: s3.region,
    bucket,
    prefix: 'rfe/',
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
    const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    client.destroy();
    return (out.Contents ?? []).map((o) => o.Key!);
  }

  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: await t.as('alice'),
      payload: { name: 'data', storage: { kind: 'managed' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const added = await t.app.inject({
      method: 'PUT',
      url: '/api/projects/data/members/bob',
      headers: await t.as('alice'),
      payload: { role: 'edit' },
    });
    expect(added.statusCode).toBe(201);
  });
  afterAll(() => t?.close());

  it('a member reads the storage view: managed and ready', async () => {
    const res = await call('bob', 'GET');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'managed', state: 'ready' });
  });

  it('an admin points the project at external S3: probed, stored sealed, never returned; new data lands there', async () => {
    const res = await call('alice', 'PUT', external());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'external', state: 'ready', bucket, credentials: 'stored' });
    expect(JSON.stringify(res.json())).not.toMatch(/secretAccessKey|accessKeyId/);
    expect((await call('bob', 'GET')).json()).toMatchObject({ kind: 'external', bucket });

    const project = (await findProjectByName(t.ctx.db, 'data'))!;
    expect(project.storage_secret).not.toContain(s3.secretAccessKey);
    // The probe cleaned up after itself; what the project writes now goes to the bucket, under the prefix.
    expect(await bucketKeys()).toEqual([]);
    await t.ctx.projectStores.storeFor(project).put('sessions/x/probe-from-test.txt', Buffer.from('hello'));
    expect(await bucketKeys()).toEqual(['rfe/sessions/x/probe-from-test.txt']);

    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/projects/data/audit?action=storage.set',
      headers: await t.as('alice'),
    });
    expect(audit.json().items[0]).toMatchObject({ action: 'storage.set', actor: 'alice' });
  });

  it('storage that does not work is refused with 422 naming the step and a hint; the project keeps its storage', async () => {
    for (const bad of [
      external({ accessKeyId: 'WRONG', secretAccessKey: 'wrong-secret' }),
      external({ bucket: 'no-such-bucket' }),
      external({ endpoint: 'http://127.0.0.1:9' }),
    ]) {
      const res = await call('alice', 'PUT', bad);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.details.step).toMatch(/^\w+$/);
      expect(res.json().error.details.hint).toBeTruthy();
    }
    expect((await call('alice', 'GET')).json()).toMatchObject({ kind: 'external', bucket, state: 'ready' });
  });

  it('an edit member cannot change storage: 403 naming storage.manage, nothing changed', async () => {
    const res = await call('bob', 'PUT', { kind: 'managed' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/storage\.manage/);
    expect((await call('bob', 'GET')).json()).toMatchObject({ kind: 'external', bucket });
  });

  it('malformed input is refused with 400 naming the field', async () => {
    const res = await call('alice', 'PUT', external({ bucket: 'Not A Bucket' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/bucket/);
    const extra = await call('alice', 'PUT', { kind: 'managed', color: 'red' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.message).toMatch(/color/);
  });

  it('back to managed storage: 200 and the view says managed', async () => {
    const res = await call('alice', 'PUT', { kind: 'managed' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'managed', state: 'ready' });
    expect(JSON.stringify(res.json())).not.toMatch(/bucket-/);
  });

  it('a non-member gets 404 for the project', async () => {
    expect((await call('carol', 'GET')).statusCode).toBe(404);
  });
});
