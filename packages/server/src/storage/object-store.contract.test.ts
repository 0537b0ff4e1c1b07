import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3rverHandle, startS3rver } from '../../test/support/s3rver.ts';
import { type S3Proxy, startS3Proxy } from '../../test/support/s3rver-proxy.ts';
import { DirectoryObjectStore } from './directory-store.ts';
import { StorageError } from './errors.ts';
import { compareKeys } from './keys.ts';
import { deleteKeys, type ObjectStore, scopedStore } from './object-store.ts';
import { S3ObjectStore } from './s3-store.ts';

const BUCKET = 'contract';
let s3: S3rverHandle;
let conditionalProxy: S3Proxy;
const tempRoots: string[] = [];

beforeAll(async () => {
  s3 = await startS3rver({ buckets: [BUCKET] });
  conditionalProxy = await startS3Proxy({ target: s3.endpoint, conditionalWrites: true });
});

afterAll(async () => {
  await conditionalProxy?.stop();
  await s3?.stop();
  await Promise.all(tempRoots.map((root) => rm(root, { recursive: true, force: true })));
});

function s3Store(endpoint: string, conditionalWrites: boolean): S3ObjectStore {
  return new S3ObjectStore({
    endpoint,
    region: s3.region,
    bucket: BUCKET,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    prefix: `run-${randomUUID()}`, // every test gets a fresh, isolated folder of the bucket
    conditionalWrites,
  });
}

interface Variant {
  name: string;
  makeStore: () => Promise<ObjectStore>;
  /** putIfAbsent is atomic under concurrency (false: documented head-then-put race). */
  atomicPutIfAbsent: boolean;
  /** Enough keys to cross the 1,000-key page boundary. */
  manyKeys: number;
}

const variants: Variant[] = [
  {
    name: 'directory',
    makeStore: async () => {
      const root = await mkdtemp(join(tmpdir(), 'rfe-store-'));
      tempRoots.push(root);
      return new DirectoryObjectStore(root);
    },
    atomicPutIfAbsent: true,
    manyKeys: 2500,
  },
  {
    name: 's3 on s3rver, conditionalWrites: false',
    makeStore: async () => s3Store(s3.endpoint, false),
    atomicPutIfAbsent: false,
    manyKeys: 1100,
  },
  {
    name: 's3 on s3rver behind a proxy that honours If-None-Match, conditionalWrites: true',
    makeStore: async () => s3Store(conditionalProxy.endpoint, true),
    atomicPutIfAbsent: true,
    manyKeys: 1100,
  },
];

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

async function putAll(store: ObjectStore, keys: string[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++];
      await store.put(key, key);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function listAll(store: ObjectStore, prefix: string, limit?: number) {
  const keys: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.list(prefix, { cursor, limit });
    pages++;
    keys.push(...page.objects.map((object) => object.key));
    cursor = page.nextCursor;
  } while (cursor);
  return { keys, pages };
}

describe.each(variants)('ObjectStore contract: $name', (variant) => {
  it('returns exactly the bytes that were put, binary and UTF-8', async () => {
    const store = await variant.makeStore();
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    await store.put('blobs/all-bytes.bin', binary);
    await store.put('blobs/greeting.txt', 'héllo ✓ 🚀\n', { contentType: 'text/plain' });
    expect(Buffer.from((await store.get('blobs/all-bytes.bin'))!)).toEqual(Buffer.from(binary));
    expect(text(await store.get('blobs/greeting.txt'))).toBe('héllo ✓ 🚀\n');
    await store.put('blobs/empty', new Uint8Array(0));
    expect((await store.get('blobs/empty'))?.byteLength).toBe(0);
  });

  it('put replaces an existing object', async () => {
    const store = await variant.makeStore();
    await store.put('doc.json', '{"v":1}');
    await store.put('doc.json', '{"v":2,"longer":true}');
    expect(text(await store.get('doc.json'))).toBe('{"v":2,"longer":true}');
  });

  it('get and head of a missing key return null', async () => {
    const store = await variant.makeStore();
    expect(await store.get('missing/key')).toBeNull();
    expect(await store.get('missing/key', { start: 0, end: 3 })).toBeNull();
    expect(await store.head('missing/key')).toBeNull();
  });

  it('putIfAbsent writes the first time and refuses later writes, keeping the first bytes', async () => {
    const store = await variant.makeStore();
    expect(await store.putIfAbsent('chunks/0001', 'first')).toBe(true);
    expect(await store.putIfAbsent('chunks/0001', 'second')).toBe(false);
    expect(await store.putIfAbsent('chunks/0001', 'first')).toBe(false);
    await store.put('chunks/0002', 'put');
    expect(await store.putIfAbsent('chunks/0002', 'later')).toBe(false);
    expect(text(await store.get('chunks/0001'))).toBe('first');
    expect(text(await store.get('chunks/0002'))).toBe('put');
  });

  // Only stores with atomic conditional writes promise this; head-then-put (s3rver) races by design.
  const itAtomic = variant.atomicPutIfAbsent ? it : () => {};
  itAtomic('ten concurrent putIfAbsent on one key: exactly one wins', async () => {
    const store = await variant.makeStore();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.putIfAbsent('race/segment', `writer-${i}`)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(text(await store.get('race/segment'))).toBe(`writer-${results.indexOf(true)}`);
  });

  it('ranged get: start only, start and end, end past the object, start past the object', async () => {
    const store = await variant.makeStore();
    await store.put('range.txt', '0123456789');
    expect(text(await store.get('range.txt', { start: 3 }))).toBe('3456789');
    expect(text(await store.get('range.txt', { start: 2, end: 5 }))).toBe('2345');
    expect(text(await store.get('range.txt', { start: 4, end: 4 }))).toBe('4');
    expect(text(await store.get('range.txt', { start: 8, end: 100 }))).toBe('89');
    expect(text(await store.get('range.txt', { start: 10 }))).toBe('');
    expect(text(await store.get('range.txt', { start: 50, end: 60 }))).toBe('');
    if (store.kind === 'directory') {
      // s3rver bug: a range on an empty object announces Content-Length 1 and never sends the byte, so
      // the request hangs (AWS answers 416, which the driver maps to no bytes). Checked on directory only.
      await store.put('empty.txt', '');
      expect(text(await store.get('empty.txt', { start: 0 }))).toBe('');
    }
  });

  it('rejects an invalid range with invalid_range', async () => {
    const store = await variant.makeStore();
    await store.put('range.txt', '0123456789');
    for (const range of [{ start: -1 }, { start: 5, end: 4 }, { start: 1.5 }]) {
      await expect(store.get('range.txt', range)).rejects.toMatchObject({ code: 'invalid_range' });
    }
  });

  it('head reports size and modification time (and the MD5 ETag on S3)', async () => {
    const store = await variant.makeStore();
    const before = Date.now();
    await store.put('sessions/s1/index.json', '{"count":3}');
    const info = await store.head('sessions/s1/index.json');
    expect(info).toMatchObject({ key: 'sessions/s1/index.json', size: 11 });
    expect(info?.lastModified).toBeInstanceOf(Date);
    // S3 reports whole seconds; allow for that and for clock granularity.
    expect(info!.lastModified!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    if (store.kind === 's3') expect(info?.etag).toBe(createHash('md5').update('{"count":3}').digest('hex'));
  });

  it('lists only keys under the prefix, in byte order, with sizes', async () => {
    const store = await variant.makeStore();
    const keys = ['p/b', 'p/a', 'p/sub/z', 'p/sub/a', 'p/c-d', 'pp/x', 'q/a', 'root'];
    await putAll(store, keys);
    const under = (await store.list('p/')).objects;
    expect(under.map((o) => o.key)).toEqual(['p/a', 'p/b', 'p/c-d', 'p/sub/a', 'p/sub/z']);
    expect(under[0].size).toBe(3);
    expect((await store.list('p/s')).objects.map((o) => o.key)).toEqual(['p/sub/a', 'p/sub/z']);
    expect((await store.list('p')).objects.map((o) => o.key)).toEqual([
      'p/a',
      'p/b',
      'p/c-d',
      'p/sub/a',
      'p/sub/z',
      'pp/x',
    ]);
    expect((await store.list('')).objects.map((o) => o.key)).toEqual([...keys].sort(compareKeys));
    expect((await store.list('nothing/')).objects).toEqual([]);
  });

  it('startAfter and small limits page through keys without gaps or repeats', async () => {
    const store = await variant.makeStore();
    const keys = Array.from({ length: 25 }, (_, i) => `log/seg-${String(i).padStart(3, '0')}`);
    await putAll(store, keys);
    expect(
      (await store.list('log/', { startAfter: 'log/seg-019', limit: 3 })).objects.map((o) => o.key),
    ).toEqual(['log/seg-020', 'log/seg-021', 'log/seg-022']);
    expect((await store.list('log/', { startAfter: 'log/seg-024' })).objects).toEqual([]);
    const { keys: paged, pages } = await listAll(store, 'log/', 7);
    expect(paged).toEqual(keys);
    expect(pages).toBe(4);
    const first = await store.list('log/', { startAfter: 'log/seg-009', limit: 5 });
    const second = await store.list('log/', {
      startAfter: 'log/seg-009',
      limit: 5,
      cursor: first.nextCursor,
    });
    expect(second.objects.map((o) => o.key)).toEqual(keys.slice(15, 20));
  });

  it(`pagination crosses the 1,000-key page: ${variant.manyKeys} keys, complete and ordered`, async () => {
    const store = await variant.makeStore();
    const keys = Array.from({ length: variant.manyKeys }, (_, i) => `many/k-${String(i).padStart(5, '0')}`);
    await putAll(store, [...keys].reverse());
    await store.put('many-other/outside', 'x');
    const { keys: listed, pages } = await listAll(store, 'many/');
    expect(pages).toBe(Math.ceil(variant.manyKeys / 1000));
    expect(listed).toEqual(keys);
    const big = await store.list('many/', { limit: 1500 });
    expect(big.objects).toHaveLength(Math.min(1500, variant.manyKeys));
  });

  it('delete removes the object and is idempotent', async () => {
    const store = await variant.makeStore();
    await store.put('trash/a/b', 'x');
    await store.put('trash/keep', 'y');
    await store.delete('trash/a/b');
    expect(await store.get('trash/a/b')).toBeNull();
    await store.delete('trash/a/b');
    await store.delete('never/existed');
    expect((await store.list('trash/')).objects.map((o) => o.key)).toEqual(['trash/keep']);
    expect(await store.putIfAbsent('trash/a/b', 'again')).toBe(true);
  });

  it('deleteMany removes many keys at once (missing ones included), through a scoped store too', async () => {
    const store = await variant.makeStore();
    const keys = Array.from({ length: 30 }, (_, k) => `bulk/chunk-${String(k).padStart(2, '0')}`);
    for (const key of keys) await store.put(key, key);
    await store.put('bulk/keep', 'y');
    expect(store.deleteMany).toBeTypeOf('function');
    await store.deleteMany!([...keys.slice(0, 20), 'bulk/never-existed']);
    const scoped = scopedStore(store, 'bulk');
    await deleteKeys(
      scoped,
      keys.slice(20).map((key) => key.slice('bulk/'.length)),
    );
    expect((await store.list('bulk/')).objects.map((o) => o.key)).toEqual(['bulk/keep']);
  });

  it('a scoped store sees only its own keys, relative to its prefix', async () => {
    const store = await variant.makeStore();
    const projectA = scopedStore(store, 'projects/a');
    const projectB = scopedStore(store, 'projects/b/');
    await projectA.put('workspaces/w1/state.json', 'A');
    await projectB.put('workspaces/w1/state.json', 'B');
    await store.put('projects/ab', 'sibling that shares the text prefix');
    expect(text(await projectA.get('workspaces/w1/state.json'))).toBe('A');
    expect(text(await projectB.get('workspaces/w1/state.json'))).toBe('B');
    expect((await projectA.list('')).objects.map((o) => o.key)).toEqual(['workspaces/w1/state.json']);
    expect((await projectA.list('', { startAfter: 'workspaces/w0' })).objects).toHaveLength(1);
    expect((await projectA.head('workspaces/w1/state.json'))?.key).toBe('workspaces/w1/state.json');
    expect((await store.list('projects/a/')).objects.map((o) => o.key)).toEqual([
      'projects/a/workspaces/w1/state.json',
    ]);
    const nested = scopedStore(projectA, 'workspaces/w1');
    expect(text(await nested.get('state.json'))).toBe('A');
    await projectA.delete('workspaces/w1/state.json');
    expect(await projectA.get('workspaces/w1/state.json')).toBeNull();
    expect(text(await projectB.get('workspaces/w1/state.json'))).toBe('B');
    expect(() => scopedStore(store, '../escape')).toThrow(StorageError);
  });

  it('rejects malformed keys with invalid_key before touching storage', async () => {
    const store = await variant.makeStore();
    const bad = [
      '',
      '/abs',
      'a//b',
      'a/../b',
      '..',
      'a/./b',
      'a\\b',
      'a\0b',
      'dir/',
      '.rfe-tmp-x',
      'x'.repeat(1025),
    ];
    for (const key of bad) {
      await expect(store.put(key, 'x'), JSON.stringify(key)).rejects.toMatchObject({ code: 'invalid_key' });
      await expect(store.get(key)).rejects.toMatchObject({ code: 'invalid_key' });
      await expect(store.putIfAbsent(key, 'x')).rejects.toMatchObject({ code: 'invalid_key' });
      await expect(store.delete(key)).rejects.toBeInstanceOf(StorageError);
    }
    await expect(store.list('../')).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(store.list('', { limit: 0 })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await store.list('')).objects).toEqual([]);
  });

  it('check() resolves for a usable store', async () => {
    const store = await variant.makeStore();
    await expect(store.check()).resolves.toBeUndefined();
  });
});
