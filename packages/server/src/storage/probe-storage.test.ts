import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3rverHandle, startS3rver } from '../../test/support/s3rver.ts';
import { withFaults } from '../../test/support/storage/faulty-store.ts';
import { DirectoryObjectStore } from './directory-store.ts';
import { PROBE_PREFIX, probeObjectStore, StorageProbeError } from './probe-storage.ts';
import { S3ObjectStore, type S3StoreOptions } from './s3-store.ts';

const BUCKET = 'probe';
let s3: S3rverHandle;
let root: string;

beforeAll(async () => {
  s3 = await startS3rver({ buckets: [BUCKET] });
  root = await mkdtemp(join(tmpdir(), 'rfe-probe-'));
});
afterAll(async () => {
  await s3?.stop();
  await rm(root, { recursive: true, force: true });
});

function s3Store(overrides: Partial<S3StoreOptions> = {}): S3ObjectStore {
  return new S3ObjectStore({
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: BUCKET,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    conditionalWrites: false,
    retry: { baseMs: 10, maxMs: 50 },
    ...overrides,
  });
}

/** A port nothing listens on: bind an ephemeral port, then release it. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function probeFailure(store: Parameters<typeof probeObjectStore>[0]): Promise<StorageProbeError> {
  const error = await probeObjectStore(store).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageProbeError);
  return error as StorageProbeError;
}

/** Probe objects anywhere in the bucket, prefixed stores included. */
async function leftovers(): Promise<string[]> {
  return (await s3Store().list('')).objects.map((o) => o.key).filter((key) => key.includes(PROBE_PREFIX));
}

describe('probeObjectStore', () => {
  it('passes on a usable directory store and on s3rver, leaving no probe object behind', async () => {
    const directory = new DirectoryObjectStore(join(root, 'ok'));
    await probeObjectStore(directory);
    expect((await directory.list('')).objects).toEqual([]);
    await probeObjectStore(s3Store());
    await probeObjectStore(s3Store({ prefix: `projects/p-${randomUUID()}` }));
    expect(await leftovers()).toEqual([]);
  });

  it('a stopped server, wrong credentials and a missing bucket fail at connect with three distinct codes', async () => {
    const endpoint = `http://127.0.0.1:${await unusedPort()}`;
    const stopped = await probeFailure(s3Store({ endpoint }));
    const badKey = await probeFailure(s3Store({ accessKeyId: 'WRONGKEY', secretAccessKey: 'wrong' }));
    const noBucket = await probeFailure(s3Store({ bucket: 'no-such-bucket' }));

    expect(stopped).toMatchObject({ step: 'connect', code: 'endpoint_unreachable' });
    expect(stopped.message).toBe(
      `Connecting to the store failed: Could not reach the S3 endpoint ${endpoint}: connection refused. ` +
        'Check the endpoint URL and that the service is running.',
    );
    expect(stopped.hint).toBe('Check the endpoint URL and that the service is running.');

    expect(badKey).toMatchObject({ step: 'connect', code: 'invalid_credentials' });
    expect(badKey.message).toBe(
      'Connecting to the store failed: The S3 service rejected the credentials (InvalidAccessKeyId). ' +
        'Check the access key id and secret.',
    );

    expect(noBucket).toMatchObject({ step: 'connect', code: 'bucket_not_found' });
    expect(noBucket.message).toBe(
      "Connecting to the store failed: Bucket 'no-such-bucket' does not exist (NoSuchBucket). Create it or fix the bucket name.",
    );
    expect(new Set([stopped.code, badKey.code, noBucket.code]).size).toBe(3);
    expect(await leftovers()).toEqual([]);
  });

  it('cleans up the probe object when a later step fails', async () => {
    const failingReads = withFaults(s3Store(), { failRate: 1, operations: ['get'] });
    const error = await probeFailure(failingReads);
    expect(error).toMatchObject({ step: 'read', code: 'unavailable' });
    expect(error.message).toMatch(/^Reading the probe object back failed: Injected failure of get/);
    expect(await leftovers()).toEqual([]);
  });

  it('detects a store that ignores conditional writes (s3rver with conditionalWrites: true)', async () => {
    const error = await probeFailure(s3Store({ conditionalWrites: true }));
    expect(error).toMatchObject({ step: 'write', code: 'conditional_writes_ignored' });
    expect(error.hint).toMatch(/conditionalWrites: false/);
    expect(await leftovers()).toEqual([]);
  });

  it('reports an unusable directory at connect', async () => {
    await writeFile(join(root, 'a-file'), 'x');
    const error = await probeFailure(new DirectoryObjectStore(join(root, 'a-file')));
    expect(error).toMatchObject({ step: 'connect', code: 'directory_unusable' });
    expect(error.message).toMatch(/a-file is not usable.*writable/);
  });
});
