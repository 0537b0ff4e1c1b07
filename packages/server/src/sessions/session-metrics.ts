import { Counter, Histogram, type Registry } from 'prom-client';

export function createSessionMetrics(registry: Registry) {
  return {
    outcomes: new Counter({
      name: 'rfe_sessions_finished_total',
      help: 'Finished sessions by kind and final status',
      labelNames: ['kind', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'rfe_session_duration_seconds',
      help: 'Session duration from launch to the runner exiting',
      labelNames: ['kind'] as const,
      buckets: [1, 5, 15, 30, 60, 300, 900, 1800, 3600],
      registers: [registry],
    }),
    firstMessage: new Histogram({
      name: 'rfe_session_first_message_seconds',
      help: 'Time from launch to the first persisted runner message',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    prCreation: new Histogram({
      name: 'rfe_pr_creation_seconds',
      help: 'Time to open one pull request (including idempotency checks)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
  };
}

export type SessionMetrics = ReturnType<typeof createSessionMetrics>;
