import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The platform's Prometheus registry: one per process (tests build several apps, so never the global one). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'rfe_http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    storageOperations: new Counter({
      name: 'rfe_storage_operations_total',
      help: 'Object store operations by operation and outcome',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
