import { describe, expect, it } from 'vitest';
import { retryTokenMint } from './retry-token-mint.ts';

/** Errors shaped as Octokit's RequestError carries them (status, message, response headers). */
const secondaryLimit = (retryAfter: string) =>
  Object.assign(new Error('You have exceeded a secondary rate limit.'), {
    status: 403,
    response: { headers: { 'retry-after': retryAfter } },
  });
const serverError = () => Object.assign(new Error('Service Unavailable'), { status: 503 });
const notFound = () => Object.assign(new Error('Not Found'), { status: 404 });

function failingThen<T>(errors: Error[], value: T) {
  let calls = 0;
  const mint = async () => {
    calls++;
    const error = errors.shift();
    if (error) throw error;
    return value;
  };
  return { mint, calls: () => calls };
}

describe('retryTokenMint', () => {
  it('waits out secondary rate limits (retry-after) and transient 5xx, then returns the token', async () => {
    const waits: number[] = [];
    const m = failingThen([secondaryLimit('2'), serverError(), serverError()], 'token');
    const token = await retryTokenMint(m.mint, {
      sleep: async (ms) => void waits.push(ms),
      baseDelayMs: 100,
    });
    expect(token).toBe('token');
    expect(m.calls()).toBe(4);
    expect(waits).toEqual([2000, 200, 400]);
  });

  it('a refusal that is not transient (404: App not installed there) is final at once', async () => {
    const m = failingThen([notFound()], 'token');
    await expect(retryTokenMint(m.mint, { sleep: async () => {} })).rejects.toThrow('Not Found');
    expect(m.calls()).toBe(1);
  });

  it('gives up after the attempts, and on a retry-after longer than it may wait', async () => {
    const always = failingThen(Array.from({ length: 9 }, serverError), 'token');
    await expect(retryTokenMint(always.mint, { attempts: 3, sleep: async () => {} })).rejects.toThrow();
    expect(always.calls()).toBe(3);
    const long = failingThen([secondaryLimit('3600')], 'token');
    await expect(retryTokenMint(long.mint, { maxWaitMs: 60_000, sleep: async () => {} })).rejects.toThrow(
      /secondary rate limit/,
    );
    expect(long.calls()).toBe(1);
  });
});
