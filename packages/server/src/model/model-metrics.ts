import { Counter, Histogram, type Registry } from 'prom-client';

const byRegistry = new WeakMap<Registry, ModelMetrics>();

/** The gateway's metrics in this registry, created once (an app may be built twice on one context). */
export function modelMetricsIn(registry: Registry): ModelMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = createModelMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/** What the gateway exports: tokens and cost per project and model, request latency, refusals. */
function createModelMetrics(registry: Registry) {
  return {
    tokens: new Counter({
      name: 'rfe_model_tokens_total',
      help: 'Model tokens the provider reported, by project, model and kind (input, output, cache_read, cache_write)',
      labelNames: ['project', 'model', 'kind'] as const,
      registers: [registry],
    }),
    cost: new Counter({
      name: 'rfe_model_cost_usd_total',
      help: 'Priced cost of model requests in USD, by project and model',
      labelNames: ['project', 'model'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'rfe_model_request_duration_seconds',
      help: 'Model requests through the gateway, from admission to the last byte, by project, model and status',
      labelNames: ['project', 'model', 'status'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    firstByte: new Histogram({
      name: 'rfe_model_time_to_first_byte_seconds',
      help: 'Time from admission to the first response byte from the provider',
      labelNames: ['project', 'model'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    refused: new Counter({
      name: 'rfe_model_requests_refused_total',
      help: 'Model requests the gateway refused, by reason (budget_exceeded, session_finished)',
      labelNames: ['project', 'reason'] as const,
      registers: [registry],
    }),
  };
}

export type ModelMetrics = ReturnType<typeof createModelMetrics>;
