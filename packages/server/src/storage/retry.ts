export interface RetryOptions {
  /** Total attempts including the first; at least 1. */
  attempts: number;
  /** Backoff ceiling of the first retry; doubles per retry. */
  baseMs: number;
  /** Upper bound of any single wait. */
  maxMs: number;
  /** 'full' waits a uniform random time in [0, ceiling) — spreads out retry storms. */
  jitter?: 'full' | 'none';
  isRetryable: (error: unknown) => boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait after failed attempt number `attempt` (1-based): exponential, capped, optionally full-jittered. */
export function backoffDelay(
  attempt: number,
  opts: Pick<RetryOptions, 'baseMs' | 'maxMs' | 'jitter' | 'random'>,
): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** (attempt - 1));
  if (opts.jitter === 'none') return ceiling;
  return Math.floor((opts.random ?? Math.random)() * ceiling);
}

/**
 * Runs `fn` until it succeeds, throws a non-retryable error, or `attempts` are used up; the last error
 * is rethrown unchanged. Only for idempotent operations: a retried call may repeat a side effect.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1) throw new RangeError('attempts must be >= 1');
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= opts.attempts || !opts.isRetryable(error)) throw error;
      const delayMs = backoffDelay(attempt, opts);
      opts.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
