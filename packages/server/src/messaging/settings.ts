import type { Config } from '../config/config.ts';

/** Tunables of messaging. The ones an operator may need are settings in config.ts; the rest are here. */
export interface MessagingSettings {
  /** Largest accepted frame (UTF-8 bytes); bigger content belongs in an artifact. */
  maxFrameBytes: number;
  /** Segments roll over at this size. */
  segmentBytes: number;
  /** Chunks merged per compaction step. */
  mergeFanIn: number;
  flushMessages: number;
  flushBytes: number;
  flushIntervalMs: number;
  /** Per session: producers are paused while more than this waits for storage. */
  maxPendingBytes: number;
  /** Per session: chunk writes in flight at once (committed in order). */
  maxChunksInFlight: number;
  /** Per process: chunk writes in flight at once over all sessions; the rest wait and batch up. */
  maxChunkWritesInFlight: number;
  /** Duplicate detection window (messages), and how much log tail is read to rebuild it after a restart. */
  recentIds: number;
  recentIdsRebuildBytes: number;
  indexDebounceMs: number;
  helloTimeoutMs: number;
  /** WebSocket ping interval; a peer that has not answered the previous ping is dropped. */
  pingIntervalMs: number;
  /** A UI stream with more than this queued in its socket switches to replay from storage… */
  slowSubscriberBytes: number;
  /** …and reads the next page once the queue is below this. */
  resumeBelowBytes: number;
  replayPageMessages: number;
  replayPageBytes: number;
  /** A session without connections for this long is sealed (compacted) and unloaded. */
  idleUnloadMs: number;
  compactionConcurrency: number;
  /**
   * Cross-session group commit (log/group-commit.ts): chunks of all sessions of a project share one
   * write. 'auto' (like 'always') uses it on every store: on S3 each request is expensive, on the
   * directory store each chunk file (created, merged, deleted) costs more CPU than the journal saves.
   */
  groupCommit: 'auto' | 'always' | 'never';
  /** With group commit: how long chunks stay staged before their log stores them as one chunk. */
  stageMs: number;
  /** With group commit: index.json is rewritten at most this often (indexDebounceMs otherwise). */
  stagedIndexDebounceMs: number;
  groupCommitWritesInFlight: number;
  /**
   * Group-commit writes start at most this often, per store kind (GroupCommitSettings.intervalMs). The
   * spacing pays off where a write costs the store real work (an s3rver PUT: ~2 ms of its CPU, p99 12 ms
   * alone); a directory-store write takes ~1 ms, and 10 ms of spacing there was most of the steady p99
   * (bench/messaging/write-floor.ts, docs/benchmarks.md).
   */
  groupCommitIntervalMs: Record<'directory' | 's3', number>;
  groupCommitObjectBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * Several instances (Redis fan-out): a session's writer lease lasts this long without renewal — the
   * longest a runner waits to write again when the instance that wrote its session died.
   */
  writerLeaseMs: number;
}

export const DEFAULT_MESSAGING_SETTINGS: MessagingSettings = {
  maxFrameBytes: 1024 * 1024,
  segmentBytes: 50 * 1000 * 1000,
  mergeFanIn: 16,
  flushMessages: 256,
  flushBytes: 256 * 1024,
  flushIntervalMs: 5,
  maxPendingBytes: 8 * 1024 * 1024,
  maxChunksInFlight: 4,
  maxChunkWritesInFlight: 16,
  recentIds: 10_000,
  recentIdsRebuildBytes: 16 * 1024 * 1024,
  indexDebounceMs: 1000,
  helloTimeoutMs: 10_000,
  pingIntervalMs: 30_000,
  slowSubscriberBytes: 1024 * 1024,
  resumeBelowBytes: 256 * 1024,
  replayPageMessages: 500,
  replayPageBytes: 512 * 1024,
  idleUnloadMs: 60_000,
  compactionConcurrency: 2,
  groupCommit: 'auto',
  stageMs: 1000,
  stagedIndexDebounceMs: 5000,
  groupCommitWritesInFlight: 1,
  groupCommitIntervalMs: { directory: 2, s3: 10 },
  groupCommitObjectBytes: 8 * 1024 * 1024,
  retryBaseMs: 20,
  retryMaxMs: 2000,
  writerLeaseMs: 10_000,
};

export function messagingSettings(
  config: Config,
  overrides: Partial<MessagingSettings> = {},
): MessagingSettings {
  return {
    ...DEFAULT_MESSAGING_SETTINGS,
    maxFrameBytes: config.messageMaxFrameBytes,
    segmentBytes: config.messageSegmentBytes,
    groupCommit: config.messageGroupCommit,
    ...overrides,
  };
}
