/** Primary rate limits per bucket (user, installation, App, IP), one-hour windows on the forge clock. */

const WINDOW_MS = 60 * 60 * 1000;

export interface RateState {
  limit: number;
  used: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

export class RateLimiter {
  private buckets = new Map<string, { used: number; resetAt: number }>();

  private bucket(key: string, nowMs: number) {
    let b = this.buckets.get(key);
    if (!b || b.resetAt <= nowMs) {
      b = { used: 0, resetAt: nowMs + WINDOW_MS };
      this.buckets.set(key, b);
    }
    return b;
  }

  peek(key: string, limit: number, nowMs: number): RateState {
    const b = this.bucket(key, nowMs);
    return {
      limit,
      used: b.used,
      remaining: Math.max(0, limit - b.used),
      reset: Math.ceil(b.resetAt / 1000),
    };
  }

  consume(key: string, limit: number, nowMs: number): RateState {
    this.bucket(key, nowMs).used += 1;
    return this.peek(key, limit, nowMs);
  }
}

export function rateHeaders(s: RateState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(s.limit),
    'x-ratelimit-remaining': String(s.remaining),
    'x-ratelimit-reset': String(s.reset),
    'x-ratelimit-used': String(s.used),
    'x-ratelimit-resource': 'core',
  };
}
