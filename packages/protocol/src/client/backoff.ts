export interface BackoffOptions {
  /** Delay cap for the first retry. */
  initialMs: number;
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** Fraction of the delay that is random: 1 is "full jitter" (uniform in [0, cap]), 0 is none. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 1 };

/** Upper bound of the delay before retry number `attempt` (0-based). */
export function backoffCap(attempt: number, options: BackoffOptions): number {
  return Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
}

/** Delay before retry number `attempt`: in [cap × (1 − jitter), cap]. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const cap = backoffCap(attempt, options);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(cap - cap * jitter * random());
}
