import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryObjectStore } from '../../../src/storage/directory-store.ts';
import { StorageError } from '../../../src/storage/errors.ts';
import { withFaults } from './faulty-store.ts';

/** Deterministic generator (mulberry32) so fault sequences repeat run to run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('withFaults', () => {
  let root: string;
  let store: DirectoryObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rfe-faults-'));
    store = new DirectoryObjectStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('fails writes with a retryable error and writes nothing, while reads pass', async () => {
    await store.put('existing', 'x');
    const faulty = withFaults(store, { failRate: 1 });
    await expect(faulty.put('k', 'v')).rejects.toMatchObject({ code: 'unavailable', retryable: true });
    await expect(faulty.putIfAbsent('k', 'v')).rejects.toBeInstanceOf(StorageError);
    await expect(faulty.delete('existing')).rejects.toBeInstanceOf(StorageError);
    expect(await store.get('k')).toBeNull();
    expect(await faulty.get('existing')).not.toBeNull();
    expect(faulty.injected).toEqual({ failures: 3, timeouts: 0 });
  });

  it('a timed-out write hangs, reports timeout, and has landed (unknown outcome)', async () => {
    const faulty = withFaults(store, { failRate: 0, timeoutRate: 1, timeoutMs: 100 });
    const started = Date.now();
    await expect(faulty.putIfAbsent('chunk', 'bytes')).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(new TextDecoder().decode((await store.get('chunk'))!)).toBe('bytes');
    const notApplied = withFaults(store, {
      failRate: 0,
      timeoutRate: 1,
      timeoutMs: 10,
      applyBeforeTimeout: false,
    });
    await expect(notApplied.put('other', 'x')).rejects.toMatchObject({ code: 'timeout' });
    expect(await store.get('other')).toBeNull();
  });

  it('fails the configured share of calls, reproducibly with a seeded generator', async () => {
    const run = async () => {
      const faulty = withFaults(store, { failRate: 0.3, rng: seeded(42), operations: ['put'] });
      let thrown = 0;
      for (let i = 0; i < 200; i++) await faulty.put(`k/${i}`, 'v').catch(() => thrown++);
      return { thrown, injected: faulty.injected.failures };
    };
    const first = await run();
    expect(first.thrown).toBe(first.injected);
    expect(first.thrown).toBeGreaterThan(40);
    expect(first.thrown).toBeLessThan(80);
    expect(await run()).toEqual(first);
  });
});
