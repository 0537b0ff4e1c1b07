import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryObjectStore } from './directory-store.ts';
import { compareKeys } from './keys.ts';
import type { ObjectStore } from './object-store.ts';

let root: string;
let store: DirectoryObjectStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rfe-dir-'));
  store = new DirectoryObjectStore(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function allKeys(target: ObjectStore, prefix: string, limit: number): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await target.list(prefix, { cursor, limit });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.nextCursor;
  } while (cursor);
  return keys;
}

/** Every object file under `dir`, relative, so tests can see what the driver left on disk. */
async function filesOnDisk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .filter((file) => !file.startsWith('.rfe-tmp-')); // the store's journal and spare files
}

describe('DirectoryObjectStore', () => {
  it('stores a key as a plain file at the same relative path, leaving no temporary files', async () => {
    await store.put('rfe_workflows/w1/sessions/s1/messages-0001.jsonl', '{"seq":1}\n');
    expect(await store.putIfAbsent('rfe_workflows/w1/sessions/s1/index.json', '{}')).toBe(true);
    expect(await store.putIfAbsent('rfe_workflows/w1/sessions/s1/index.json', '{"x":1}')).toBe(false);
    expect((await filesOnDisk(root)).sort()).toEqual([
      'rfe_workflows/w1/sessions/s1/index.json',
      'rfe_workflows/w1/sessions/s1/messages-0001.jsonl',
    ]);
  });

  it('lists in UTF-8 byte order even where a file and a folder compete (a-c < a/b < a0)', async () => {
    const keys = ['a/b', 'a-c', 'a0', 'a.txt', 'a/b-c/d', 'a/bz', 'é', '\uffff', '😀', 'Z', '_'];
    for (const key of keys) await store.put(key, key);
    const expected = [...keys].sort(compareKeys);
    expect(expected.indexOf('\uffff')).toBeLessThan(expected.indexOf('😀')); // differs from JS string order
    expect(await allKeys(store, '', 1000)).toEqual(expected);
    expect(await allKeys(store, '', 2)).toEqual(expected);
    expect(await allKeys(store, 'a', 3)).toEqual(expected.filter((k) => k.startsWith('a')));
  });

  it('resumes from any startAfter across nested folders (property)', async () => {
    const segment = fc.constantFrom('a', 'b', 'a-', 'a0', 'm', 'z');
    const keyArb = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(keyArb, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        async (raw, limit) => {
          // A file tree cannot hold both 'a' and 'a/…': drop keys that are folders of others.
          const keys = raw.filter((k) => !raw.some((other) => other.startsWith(`${k}/`)));
          const dir = await mkdtemp(join(tmpdir(), 'rfe-prop-'));
          try {
            const local = new DirectoryObjectStore(dir);
            for (const key of keys) await local.put(key, 'v');
            const sorted = [...keys].sort(compareKeys);
            expect(await allKeys(local, '', limit)).toEqual(sorted);
            for (const after of [...sorted, 'a/', 'a-/a', 'b0', '']) {
              const page = await local.list('', { startAfter: after, limit: 1000 });
              expect(page.objects.map((o) => o.key)).toEqual(sorted.filter((k) => compareKeys(k, after) > 0));
            }
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('does not list a temporary file left by a crashed writer', async () => {
    await store.put('s/one', '1');
    await writeFile(join(root, 's', '.rfe-tmp-deadbeef'), 'partial');
    expect((await store.list('s/')).objects.map((o) => o.key)).toEqual(['s/one']);
  });

  it('delete removes empty parent folders up to, but not including, the root', async () => {
    await store.put('w/sessions/s1/messages-0001.jsonl', 'x');
    await store.put('w/sessions/s2/messages-0001.jsonl', 'y');
    await store.delete('w/sessions/s1/messages-0001.jsonl');
    expect(await readdir(join(root, 'w', 'sessions'))).toEqual(['s2']);
    await store.delete('w/sessions/s2/messages-0001.jsonl');
    expect((await readdir(root)).sort()).toEqual(['.rfe-tmp-journal', '.rfe-tmp-spare']); // the store's own

    expect((await stat(root)).isDirectory()).toBe(true);
  });

  it('writes and deletes racing in one folder never fail (parent pruning vs creation)', async () => {
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      ops.push(store.put(`race/f/${i}`, 'x'));
      ops.push(store.delete(`race/f/${i - 1}`));
    }
    await Promise.all(ops);
    const left = (await store.list('race/')).objects.map((o) => o.key);
    expect(left.length).toBeGreaterThanOrEqual(1);
    for (const key of left) expect(await store.get(key)).not.toBeNull();
  });

  it('refuses a key that would be both an object and a folder with key_conflict', async () => {
    await store.put('a/b', 'x');
    await expect(store.put('a', 'y')).rejects.toMatchObject({ code: 'key_conflict' });
    await expect(store.putIfAbsent('a', 'y')).rejects.toMatchObject({ code: 'key_conflict' });
    await expect(store.put('a/b/c', 'y')).rejects.toMatchObject({ code: 'key_conflict' });
    expect(await store.get('a')).toBeNull();
    await store.delete('a'); // a folder, not an object: nothing to delete
    expect(await store.get('a/b')).not.toBeNull();
  });

  it('check() fails with directory_unusable when the root is a file', async () => {
    await writeFile(join(root, 'file'), 'x');
    const broken = new DirectoryObjectStore(join(root, 'file'));
    await expect(broken.check()).rejects.toMatchObject({ code: 'directory_unusable' });
    await expect(new DirectoryObjectStore(join(root, 'fresh', 'nested')).check()).resolves.toBeUndefined();
  });
});
