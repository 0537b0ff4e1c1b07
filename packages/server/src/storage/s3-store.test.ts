import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type S3rverHandle, startS3rver } from '../../test/support/s3rver.ts';
import { type S3Proxy, type S3ProxyOptions, startS3Proxy } from '../../test/support/s3rver-proxy.ts';
import { S3ObjectStore, type S3StoreOptions } from './s3-store.ts';

const BUCKET = 'driver';
let s3: S3rverHandle;
let proxy: S3Proxy | undefined;

beforeAll(async () => {
  s3 = await startS3rver({ buckets: [BUCKET] });
});
afterAll(() => s3?.stop());
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

function storeAt(endpoint: string, overrides: Partial<S3StoreOptions> = {}): S3ObjectStore {
  return new S3ObjectStore({
    endpoint,
    region: s3.region,
    bucket: BUCKET,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    prefix: `driver-${randomUUID()}`,
    conditionalWrites: false,
    retry: { baseMs: 10, maxMs: 50 },
    ...overrides,
  });
}

async function behindProxy(options: Omit<S3ProxyOptions, 'target'>, overrides: Partial<S3StoreOptions> = {}) {
  proxy = await startS3Proxy({ target: s3.endpoint, ...options });
  const store = storeAt(proxy.endpoint, overrides);
  // The same folder read directly from s3rver, to see what really got stored.
  const direct = storeAt(s3.endpoint, { prefix: store.prefix });
  return { store, direct, proxy };
}

const isPut = (req: { method?: string }) => req.method === 'PUT';

describe('S3ObjectStore over the real protocol', () => {
  it('retries 503 SlowDown answers and succeeds once the service recovers', async () => {
    const { store, direct, proxy } = await behindProxy({ failFirst: 2 });
    await store.put('chunks/0001.jsonl', 'payload');
    expect(proxy.requests.map((r) => r.action)).toEqual(['failed', 'failed', 'forwarded']);
    expect(new TextDecoder().decode((await direct.get('chunks/0001.jsonl'))!)).toBe('payload');
  });

  it('gives up after the attempt budget with a retryable unavailable error', async () => {
    const { store, proxy } = await behindProxy(
      { failFirst: 100 },
      { retry: { attempts: 3, baseMs: 5, maxMs: 10 } },
    );
    await expect(store.get('any')).rejects.toMatchObject({ code: 'unavailable', retryable: true });
    expect(proxy.requests).toHaveLength(3);
  });

  it('times out a hung request and retries it', async () => {
    const { store, direct, proxy } = await behindProxy({ hangFirst: 1 }, { requestTimeoutMs: 300 });
    await direct.put('slow', 'finally');
    const started = Date.now();
    expect(new TextDecoder().decode((await store.get('slow'))!)).toBe('finally');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(proxy.requests.map((r) => r.action)).toEqual(['hung', 'forwarded']);
  });

  it('reports timeout when every attempt hangs', async () => {
    const { store } = await behindProxy(
      { hangFirst: 100 },
      { requestTimeoutMs: 100, retry: { attempts: 2, baseMs: 1, maxMs: 1 } },
    );
    await expect(store.head('x')).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringMatching(/timed out after 100 ms/),
    });
  });

  it('does not retry a permanent error (wrong access key id)', async () => {
    const { store, proxy } = await behindProxy({}, { accessKeyId: 'NOT-A-KEY' });
    const error = (await store.put('x', 'y').then(
      () => new Error('expected a failure'),
      (e: unknown) => e,
    )) as Error;
    expect(error).toMatchObject({ code: 'invalid_credentials' });
    expect(proxy.requests).toHaveLength(1);
    // The cause is a summary: the raw SDK error would carry the signed request into logs.
    expect(error.cause).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
    const serialized = JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause));
    expect(serialized).not.toMatch(/AWS4-HMAC-SHA256|Signature=|\$response/);
  });

  it('head-then-put putIfAbsent whose response was lost reports true: the stored bytes are its own', async () => {
    const { store, direct, proxy } = await behindProxy({ dropResponseFirst: 1, match: isPut });
    expect(await store.putIfAbsent('segments/0001', 'mine')).toBe(true);
    expect(proxy.requests.map((r) => `${r.method} ${r.action}`)).toEqual([
      'HEAD forwarded',
      'PUT dropped',
      'HEAD forwarded',
    ]);
    expect(new TextDecoder().decode((await direct.get('segments/0001'))!)).toBe('mine');
  });

  it('conditional putIfAbsent whose response was lost reports true on the retry’s 412 when the ETag matches', async () => {
    const { store, proxy } = await behindProxy(
      { dropResponseFirst: 1, match: isPut, conditionalWrites: true },
      { conditionalWrites: true },
    );
    expect(await store.putIfAbsent('segments/0001', 'mine')).toBe(true);
    expect(proxy.requests.map((r) => `${r.method} ${r.action}`)).toEqual([
      'PUT dropped',
      'PUT precondition',
      'HEAD forwarded',
    ]);
    expect(proxy.requests[0].headers['if-none-match']).toBe('*');
  });

  it('conditional putIfAbsent on an existing key with other bytes reports false without overwriting', async () => {
    const { store, direct } = await behindProxy({ conditionalWrites: true }, { conditionalWrites: true });
    await direct.put('segments/0001', 'theirs');
    expect(await store.putIfAbsent('segments/0001', 'mine')).toBe(false);
    expect(new TextDecoder().decode((await direct.get('segments/0001'))!)).toBe('theirs');
  });

  it("sends the SSE header when sse is 'AES256' and a signed SHA-256 of the body on every write", async () => {
    const { store, proxy } = await behindProxy({}, { sse: 'AES256' });
    await store.put('secret.json', '{}', { contentType: 'application/json' });
    const [put] = proxy.requests;
    expect(put.headers['x-amz-server-side-encryption']).toBe('AES256');
    // The body's hash is part of the signature (the service rejects a body that does not match it).
    expect(put.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('{}').digest('hex'));
    expect(put.headers.authorization).toContain('x-amz-content-sha256');
    expect(put.headers['content-type']).toBe('application/json');
  });

  it('lists through the proxy with continuation tokens and a store prefix that is stripped from keys', async () => {
    const { store } = await behindProxy({});
    for (const key of ['x/1', 'x/2', 'x/3']) await store.put(key, key);
    const first = await store.list('x/', { limit: 2 });
    expect(first.objects.map((o) => o.key)).toEqual(['x/1', 'x/2']);
    expect(first.nextCursor).toBeTruthy();
    const second = await store.list('x/', { limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ objects: [expect.objectContaining({ key: 'x/3', size: 3 })] });
  });
});
