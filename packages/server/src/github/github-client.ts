import { Octokit } from '@octokit/rest';
import { EtagCache } from './etag-cache.ts';
import type { GitHubMetrics } from './github-metrics.ts';
import { WriteSpacer } from './write-spacer.ts';

/** Who a request is made as. `scope` keys the ETag cache: responses vary by credential. */
export interface GitHubCredential {
  token?: string;
  scope: string;
  kind: 'installation' | 'user' | 'app' | 'anonymous';
}

export interface GitHubClientOptions {
  apiUrl: string;
  metrics?: GitHubMetrics;
  /** Minimum gap between content-creating requests (GitHub asks for ≥ 1 s). */
  writeGapMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Longest wait honoured for retry-after / rate-limit reset before giving up. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Conditional requests with the ETag cache (default on; off only to measure what it saves). */
  etagCache?: boolean;
}

type RequestFn = (options: Record<string, unknown>) => Promise<OctokitResponse>;
interface OctokitResponse {
  status: number;
  url: string;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}
interface RequestErrorLike {
  status?: number;
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
  message: string;
}

/**
 * The one GitHub client layer of the server: Octokit with a base URL (the bundled forge or GitHub), plus
 * conditional requests with an ETag cache keyed by credential scope, retries with backoff and jitter for
 * reads, secondary-rate-limit handling for every request (honouring retry-after), serialised spaced writes,
 * and metrics. Writes are never retried after a 5xx, so no write is sent twice.
 *
 * Why not @octokit/plugin-retry and @octokit/plugin-throttling: plugin-retry resends any method after a 5xx
 * (its do-not-retry list is by status, not by method), which could apply a write twice; plugin-throttling
 * waits on Bottleneck's own timers (write spacing and retry-after), which a test cannot drive. One hook here
 * with an injected `sleep` does all three, and tests run every retry path without waiting.
 */
export class GitHubClient {
  readonly cache = new EtagCache();
  private readonly spacer: WriteSpacer;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: GitHubClientOptions) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.spacer = new WriteSpacer(opts.writeGapMs ?? 1000, this.sleep);
  }

  get apiUrl(): string {
    return this.opts.apiUrl;
  }

  /** `strategy`: an Octokit auth strategy instead of a token (the App's JWT, which it renews per request). */
  octokit(
    credential: GitHubCredential,
    strategy?: { authStrategy: (options: never) => unknown; auth: Record<string, unknown> },
  ): Octokit {
    const octokit = new Octokit({
      baseUrl: this.opts.apiUrl,
      ...(strategy ? (strategy as object) : { auth: credential.token }),
      userAgent: 'rfe-workbench',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    octokit.hook.wrap('request', (request, options) =>
      this.send(
        credential,
        request as unknown as RequestFn,
        options as unknown as Record<string, unknown>,
        octokit,
      ),
    );
    return octokit;
  }

  private async send(
    credential: GitHubCredential,
    request: RequestFn,
    options: Record<string, unknown>,
    octokit: Octokit,
  ): Promise<OctokitResponse> {
    const method = String(options.method ?? 'GET').toUpperCase();
    const route = String(options.url ?? '');
    const isRead = method === 'GET' || method === 'HEAD';
    const fullUrl = isRead ? octokit.request.endpoint(options as never).url : '';
    const useCache = isRead && this.opts.etagCache !== false;
    const cached = useCache ? this.cache.get(credential.scope, fullUrl) : undefined;
    if (cached) options.headers = { ...(options.headers as object), 'if-none-match': cached.etag };

    const maxAttempts = this.opts.maxAttempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const res = isRead ? await request(options) : await this.spacer.run(() => request(options));
        this.observe(credential, method, route, res.status, false, res.headers, started);
        const etag = res.headers.etag;
        if (useCache && typeof etag === 'string') {
          this.cache.set(credential.scope, fullUrl, {
            etag,
            status: res.status,
            headers: res.headers,
            data: res.data,
          });
        }
        return res;
      } catch (raw) {
        const err = raw as RequestErrorLike;
        const headers = err.response?.headers ?? {};
        this.observe(credential, method, route, err.status ?? 0, err.status === 304, headers, started);
        if (err.status === 304 && cached) {
          return {
            status: cached.status,
            url: fullUrl,
            headers: { ...cached.headers, ...headers },
            data: cached.data,
          };
        }
        const wait = this.retryDelay(err, isRead, attempt, maxAttempts);
        if (wait === null) throw raw;
        await this.sleep(wait);
      }
    }
  }

  /** How long to wait before retrying, or null when the error is final. */
  private retryDelay(
    err: RequestErrorLike,
    isRead: boolean,
    attempt: number,
    maxAttempts: number,
  ): number | null {
    if (attempt >= maxAttempts) return null;
    const headers = err.response?.headers ?? {};
    const maxWait = this.opts.maxWaitMs ?? 60_000;
    const status = err.status ?? 0;
    const retryAfter = Number(headers['retry-after']);
    const secondary =
      (status === 403 || status === 429) &&
      (Number.isFinite(retryAfter) || /secondary rate limit/i.test(err.message));
    if (secondary) {
      // Refused before it was applied, so retrying is safe for writes too.
      const ms = Number.isFinite(retryAfter) ? retryAfter * 1000 : 60_000;
      this.opts.metrics?.retries.inc({ reason: 'secondary_rate_limit' });
      return ms <= maxWait ? ms : null;
    }
    if ((status === 403 || status === 429) && String(headers['x-ratelimit-remaining']) === '0') {
      const ms = Number(headers['x-ratelimit-reset']) * 1000 - Date.now();
      this.opts.metrics?.retries.inc({ reason: 'rate_limit' });
      return ms > 0 && ms <= maxWait ? ms : null;
    }
    const transient = status >= 500 || status === 0;
    if (transient && isRead) {
      this.opts.metrics?.retries.inc({ reason: status ? 'server_error' : 'network' });
      const base = this.opts.baseDelayMs ?? 200;
      return Math.random() * Math.min(5_000, base * 2 ** (attempt - 1));
    }
    return null;
  }

  private observe(
    credential: GitHubCredential,
    method: string,
    route: string,
    status: number,
    cached: boolean,
    headers: Record<string, string | number | undefined>,
    started: number,
  ): void {
    const m = this.opts.metrics;
    if (!m) return;
    m.requests.inc({ method, route, status: String(status), cached: String(cached) });
    m.duration.observe({ method }, (performance.now() - started) / 1000);
    const remaining = Number(headers['x-ratelimit-remaining']);
    if (Number.isFinite(remaining)) m.rateLimitRemaining.set({ credential: credential.kind }, remaining);
  }
}
