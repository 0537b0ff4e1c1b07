/**
 * Retries for minting an installation token, which goes straight to the App's Octokit rather than
 * through GitHubClient. GitHub may answer any request — token creation included — with a secondary rate
 * limit (403/429 with retry-after: refused before it was applied) or a transient 5xx. A mint is safe to
 * repeat: at worst a token is created that nobody receives, and it expires within the hour.
 */
interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

export interface MintRetryOptions {
  attempts?: number;
  /** Longest retry-after honoured; beyond it the refusal is final. */
  maxWaitMs?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

function retryDelay(err: RequestErrorLike, attempt: number, opts: Required<MintRetryOptions>): number | null {
  const status = err.status ?? 0;
  const retryAfter = Number(err.response?.headers?.['retry-after']);
  if (
    (status === 403 || status === 429) &&
    (Number.isFinite(retryAfter) || /secondary rate limit/i.test(err.message ?? ''))
  ) {
    const ms = Number.isFinite(retryAfter) ? retryAfter * 1000 : 60_000;
    return ms <= opts.maxWaitMs ? ms : null;
  }
  if (status >= 500 || status === 0) return opts.baseDelayMs * 2 ** (attempt - 1);
  return null;
}

export async function retryTokenMint<T>(mint: () => Promise<T>, options: MintRetryOptions = {}): Promise<T> {
  const opts: Required<MintRetryOptions> = {
    attempts: options.attempts ?? 5,
    maxWaitMs: options.maxWaitMs ?? 60_000,
    baseDelayMs: options.baseDelayMs ?? 200,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await mint();
    } catch (err) {
      const wait = attempt < opts.attempts ? retryDelay(err as RequestErrorLike, attempt, opts) : null;
      if (wait === null) throw err;
      await opts.sleep(wait);
    }
  }
}
