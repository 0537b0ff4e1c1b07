import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Finer where a durable message's budget (tens of ms) is spent, so a p99 per stage can be read off. */
const STAGE_BUCKETS = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1,
];

function createMessagingMetrics(registry: Registry) {
  const registers = [registry];
  return {
    runnerToServer: new Histogram({
      name: 'rfe_messages_runner_to_server_seconds',
      help: 'From the message timestamp set by the runner to its arrival at the server (clock skew included)',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    serverToUi: new Histogram({
      name: 'rfe_messages_server_to_ui_seconds',
      help: 'From persisting a message to writing it to a UI client socket',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    stageSeconds: new Histogram({
      name: 'rfe_message_stage_seconds',
      help:
        'Time a runner message spends in each stage on the server, per message: queued (waiting for the ' +
        'flush interval and a write slot), storing (its chunk being written), ordering (waiting for earlier ' +
        'chunks so commits stay in seq order)',
      labelNames: ['stage'] as const,
      buckets: STAGE_BUCKETS,
      registers,
    }),
    handovers: new Counter({
      name: 'rfe_session_handovers_total',
      help:
        'Sessions this instance stopped writing because another instance took them over (graceful: asked ' +
        'to hand over; lost: its writer lease could not be renewed in time)',
      labelNames: ['kind'] as const,
      registers,
    }),
    persisted: new Counter({
      name: 'rfe_messages_persisted_total',
      help: 'Messages stored in session logs',
      registers,
    }),
    persistedBytes: new Counter({
      name: 'rfe_message_bytes_persisted_total',
      help: 'Bytes of JSON Lines stored in session logs (chunks, before compaction)',
      registers,
    }),
    flushSeconds: new Histogram({
      name: 'rfe_message_flush_seconds',
      help: 'Time to store one chunk of messages, retries included',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    compactionSeconds: new Histogram({
      name: 'rfe_message_compaction_seconds',
      help: 'Time of one log compaction (merge of chunks, or chunks into a segment)',
      labelNames: ['kind'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers,
    }),
    storageRetries: new Counter({
      name: 'rfe_message_storage_retries_total',
      help: 'Failed message-log storage calls that were retried',
      registers,
    }),
    connectedRunners: new Gauge({
      name: 'rfe_messaging_connected_runners',
      help: 'Runner channels open now',
      registers,
    }),
    connectedClients: new Gauge({
      name: 'rfe_messaging_connected_clients',
      help: 'UI streams open now',
      registers,
    }),
    resumes: new Counter({
      name: 'rfe_messaging_resumes_total',
      help: 'UI streams opened with a resume cursor (after > 0)',
      registers,
    }),
    duplicatesDropped: new Counter({
      name: 'rfe_messaging_duplicates_dropped_total',
      help: 'Messages dropped because their id was already persisted',
      registers,
    }),
    resyncs: new Counter({
      name: 'rfe_messaging_resyncs_total',
      help: 'Resync frames sent for cursors that cannot be served',
      labelNames: ['reason'] as const,
      registers,
    }),
    slowSubscribers: new Counter({
      name: 'rfe_messaging_slow_subscriber_switches_total',
      help: 'Times a UI stream fell behind and switched from live delivery to replay from storage',
      registers,
    }),
    framesRejected: new Counter({
      name: 'rfe_messaging_frames_rejected_total',
      help: 'Frames answered with an error frame, by code',
      labelNames: ['code'] as const,
      registers,
    }),
  };
}

export type MessagingMetrics = ReturnType<typeof createMessagingMetrics>;

const byRegistry = new WeakMap<Registry, MessagingMetrics>();

/** The messaging metrics of a registry, created on first use (a registry refuses a name twice). */
export function messagingMetrics(registry: Registry): MessagingMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = createMessagingMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
