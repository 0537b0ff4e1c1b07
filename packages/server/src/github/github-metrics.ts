import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createGitHubMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'rfe_github_requests_total',
      help: 'GitHub API requests by route template, status and whether the ETag cache answered (304)',
      labelNames: ['method', 'route', 'status', 'cached'] as const,
      registers: [registry],
    }),
    retries: new Counter({
      name: 'rfe_github_retries_total',
      help: 'GitHub API retries by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    rateLimitRemaining: new Gauge({
      name: 'rfe_github_rate_limit_remaining',
      help: 'x-ratelimit-remaining from the latest GitHub response, by credential kind',
      labelNames: ['credential'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'rfe_github_request_duration_seconds',
      help: 'GitHub API request duration',
      labelNames: ['method'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
  };
}

export type GitHubMetrics = ReturnType<typeof createGitHubMetrics>;
