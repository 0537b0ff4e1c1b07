import { describe, expect, it } from 'vitest';
import { backoffDelay, retry } from './retry.ts';

class Transient extends Error {}

const fixed = (value: number) => () => value;

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap without jitter', () => {
    const opts = { baseMs: 100, maxMs: 1000, jitter: 'none' as const };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, opts))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('full jitter waits between 0 and the exponential ceiling', () => {
    const opts = { baseMs: 100, maxMs: 1000, jitter: 'full' as const };
    for (const attempt of [1, 2, 3, 4, 5, 10]) {
      const ceiling = Math.min(1000, 100 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, { ...opts, random: fixed(0) })).toBe(0);
      expect(backoffDelay(attempt, { ...opts, random: fixed(0.999999) })).toBeLessThan(ceiling);
      expect(backoffDelay(attempt, { ...opts, random: fixed(0.999999) })).toBeGreaterThanOrEqual(ceiling - 1);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(attempt, opts);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
});

describe('retry', () => {
  const base = {
    attempts: 5,
    baseMs: 100,
    maxMs: 1000,
    random: fixed(0.5),
    isRetryable: (e: unknown) => e instanceof Transient,
  };

  it('retries transient failures with growing jittered waits and returns the eventual result', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await retry(
      async (attempt) => {
        calls++;
        if (attempt < 4) throw new Transient(`attempt ${attempt}`);
        return 'done';
      },
      { ...base, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(result).toBe('done');
    expect(calls).toBe(4);
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('stops after the attempt budget and rethrows the last error', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const run = retry(
      async (attempt) => {
        calls++;
        throw new Transient(`attempt ${attempt}`);
      },
      { ...base, attempts: 3, sleep: async (ms) => void sleeps.push(ms) },
    );
    await expect(run).rejects.toThrow('attempt 3');
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry an error that is not retryable', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const run = retry(
      async () => {
        calls++;
        throw new Error('permanent');
      },
      { ...base, sleep: async (ms) => void sleeps.push(ms) },
    );
    await expect(run).rejects.toThrow('permanent');
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('reports every retry and really waits with the default sleep', async () => {
    const seen: number[] = [];
    const started = Date.now();
    await retry(
      async (attempt) => {
        if (attempt < 3) throw new Transient();
      },
      { ...base, baseMs: 20, jitter: 'none', onRetry: ({ attempt }) => seen.push(attempt) },
    );
    expect(seen).toEqual([1, 2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55); // 20 + 40, minus timer slack
  });

  it('refuses a budget below one attempt', async () => {
    await expect(retry(async () => 1, { ...base, attempts: 0 })).rejects.toThrow(RangeError);
  });
});
