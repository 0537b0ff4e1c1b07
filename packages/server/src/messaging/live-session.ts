import type { Envelope } from '@rfe/protocol';
import type { Logger } from 'pino';
import type { ObjectStore } from '../storage/index.ts';
import type { FanOut } from './fan-out/fan-out.ts';
import type { WritePolicy } from './log/durable-write.ts';
import type { GroupCommitLog } from './log/group-commit.ts';
import { idOfLine } from './log/jsonl.ts';
import type { Limiter } from './log/limiter.ts';
import type { LogIndexFile } from './log/log-index.ts';
import { MessageLog } from './log/message-log.ts';
import type { LogLine } from './log/read-range.ts';
import type { MessagingMetrics } from './metrics.ts';
import { RecentIds } from './recent-ids.ts';
import { isInputType, RunnerDelivery } from './runner-delivery.ts';
import { type PersistedBatch, Sequencer, type SubmitCallback, WriterMovedError } from './sequencer.ts';
import type { MessagingSettings } from './settings.ts';

const CATCH_UP_POLL_MS = 50;

/** The runner connection currently attached to a session. */
export interface RunnerLink {
  deliver(lines: LogLine[]): void;
  /** A newer runner connection took over. */
  replaced(): void;
  /** The session is over: the runner token is no longer valid. */
  ended(): void;
  /** Another instance writes the session now: the runner reconnects. */
  moved(): void;
}

/** Anything holding the session open (a socket, a request); closed when the session's log breaks. */
export interface SessionUser {
  close(code: number, reason: string): void;
}

export interface LiveSessionDeps {
  settings: MessagingSettings;
  metrics: MessagingMetrics;
  fanOut: FanOut;
  policy: WritePolicy;
  limiter: Limiter;
  /** Chunk write slots shared by all sessions. */
  writeSlots: Limiter;
  /** The project's group commit and this session's folder in the project's store, where used. */
  groupCommit?: { log: GroupCommitLog; folder: string };
  logger: Logger;
  onIndexWritten: (file: LogIndexFile) => void;
  onFailed: (session: LiveSession, error: Error) => void;
  /** Runner messages just persisted, for the session manager (PR intents, errors). */
  onRunnerMessages: (sessionId: string, messages: Envelope[]) => void;
  /** Replicas: false once this instance no longer holds the session's writer lease. */
  mayAcknowledge?: () => boolean;
}

/** Close code for connections of a session that moved to another instance: reconnect (any instance). */
export const MOVED_CLOSE_CODE = 1012;

/**
 * One session loaded in this process: its log, its sequencer (the single writer), the input the runner
 * still has to acknowledge, the attached runner and everyone else using it.
 */
export class LiveSession {
  #runner: RunnerLink | null = null;
  readonly #users = new Set<SessionUser>();
  #idleSince = Date.now();
  #refreshing: Promise<void> | null = null;
  // Set once in open(): the sequencer needs the session for its hooks.
  sequencer!: Sequencer;

  private constructor(
    readonly sessionId: string,
    readonly log: MessageLog,
    readonly delivery: RunnerDelivery,
    private readonly deps: LiveSessionDeps,
  ) {}

  /** Loads the session's log from `store` (its folder) and rebuilds the state that lives in memory. */
  static async open(sessionId: string, store: ObjectStore, deps: LiveSessionDeps): Promise<LiveSession> {
    const { settings, metrics } = deps;
    let delivery: RunnerDelivery | undefined;
    const { log, tail, indexedInputs } = await MessageLog.open(store, {
      segmentBytes: settings.segmentBytes,
      mergeFanIn: settings.mergeFanIn,
      indexDebounceMs: deps.groupCommit ? settings.stagedIndexDebounceMs : settings.indexDebounceMs,
      policy: deps.policy,
      limiter: deps.limiter,
      pendingInputs: () => delivery?.pendingSeqs() ?? [],
      onIndexWritten: deps.onIndexWritten,
      onCompaction: (kind, seconds) => metrics.compactionSeconds.observe({ kind }, seconds),
      onError: (err) =>
        deps.logger.error(
          { err, sessionId },
          'message log background write failed (compaction or staged chunks)',
        ),
      groupCommit: deps.groupCommit && { ...deps.groupCommit, stageMs: settings.stageMs },
    });
    delivery = await RunnerDelivery.load(store, deps.policy, log, indexedInputs, tail);
    const recent = new RecentIds(settings.recentIds);
    for (const { seq, line } of await log.readTail(settings.recentIds, settings.recentIdsRebuildBytes)) {
      recent.remember(idOfLine(line), seq);
    }
    const session = new LiveSession(sessionId, log, delivery, deps);
    const stage = {
      queued: metrics.stageSeconds.labels('queued'),
      storing: metrics.stageSeconds.labels('storing'),
      ordering: metrics.stageSeconds.labels('ordering'),
    };
    session.sequencer = new Sequencer(
      sessionId,
      log,
      recent,
      settings,
      {
        onPersisted: (batch) => session.#onPersisted(batch),
        onFlushed: (seconds, count, bytes) => {
          metrics.flushSeconds.observe(seconds);
          metrics.persisted.inc(count);
          metrics.persistedBytes.inc(bytes);
        },
        onStages: ({ queued, storing, ordering }) => {
          for (const seconds of queued) stage.queued.observe(seconds);
          for (let k = 0; k < queued.length; k++) {
            stage.storing.observe(storing);
            stage.ordering.observe(ordering);
          }
        },
        onDuplicate: () => metrics.duplicatesDropped.inc(),
        onFailed: (error) => session.#onFailed(error),
        ...(deps.mayAcknowledge ? { mayAcknowledge: deps.mayAcknowledge } : {}),
      },
      deps.writeSlots,
    );
    return session;
  }

  get lastSeq(): number {
    return this.log.lastSeq;
  }

  /** False for a read-only view (another instance writes the session) or one being handed over. */
  get acceptsWrites(): boolean {
    return this.sequencer.accepting;
  }

  readPage(after: number, limit: number, maxBytes?: number): Promise<LogLine[]> {
    return this.log.readPage(after, limit, maxBytes);
  }

  submit(message: Envelope, callback: SubmitCallback): void {
    this.sequencer.submit(message, callback);
  }

  /** Makes `link` the session's runner; returns the input it must be sent (again). */
  attachRunner(link: RunnerLink): LogLine[] {
    const previous = this.#runner;
    this.#runner = link;
    // Record this process as the writer now, not when the first message waits for it. A failure
    // (shutdown) surfaces again on that first append. A read-only view never claims the log.
    if (this.acceptsWrites) this.log.claim().catch(() => {});
    if (previous && previous !== link) previous.replaced();
    return this.delivery.pending();
  }

  /** True while a runner channel is attached to this session in this process. */
  get runnerAttached(): boolean {
    return this.#runner !== null;
  }

  /** The session ended: its runner connection is closed (a new one is refused at the upgrade). */
  dropRunner(): void {
    const link = this.#runner;
    this.#runner = null;
    link?.ended();
  }

  detachRunner(link: RunnerLink): void {
    if (this.#runner === link) this.#runner = null;
  }

  runnerAcked(seq: number): Promise<void> {
    return this.delivery.ack(Math.min(seq, this.log.lastSeq));
  }

  /**
   * For a stream that heard of `seq` through the fan-out while this process does not write the log
   * (another instance does): reload the stored log until the message can be read. With group commit
   * the writer stores chunks in the session folder up to `stageMs` late, so this waits that long at most.
   */
  async catchUpTo(seq: number): Promise<void> {
    const deadline = Date.now() + this.visibilityLagMs;
    for (;;) {
      if (seq <= this.log.lastSeq || this.log.writing) return;
      await this.refresh();
      if (seq <= this.log.lastSeq || Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
    }
  }

  /**
   * How late storage may show what another instance published: with group commit its chunks reach the
   * session folder up to ~1.5 × stageMs after they were acknowledged.
   */
  get visibilityLagMs(): number {
    return this.deps.groupCommit && !this.log.writing ? 2 * this.deps.settings.stageMs : 0;
  }

  /** Picks up what another instance stored since this process loaded the log (no-op for the writer). */
  async refresh(): Promise<void> {
    if (this.log.writing) return;
    this.#refreshing ??= this.log.refresh().finally(() => {
      this.#refreshing = null;
    });
    await this.#refreshing;
  }

  retain(user: SessionUser): void {
    this.#users.add(user);
  }

  release(user: SessionUser): void {
    this.#users.delete(user);
    if (this.#users.size === 0) this.#idleSince = Date.now();
  }

  /** How long nobody has used the session (0 while in use). */
  idleMs(now = Date.now()): number {
    return this.#users.size > 0 ? 0 : now - this.#idleSince;
  }

  /**
   * Stores what is queued, then compacts every chunk into segments if this process wrote the log (a
   * process that only read it leaves compaction to the writer), and stops; the session may reopen later.
   */
  async unload(seal: boolean): Promise<void> {
    await this.sequencer.idle();
    if (seal && this.log.writing) await this.log.seal();
    await this.log.close();
  }

  /**
   * Another instance writes the session from now on. `graceful` (asked to hand over, lease still held):
   * new messages are refused, the ones taken are stored and acknowledged, staged chunks and the index
   * stored. Not graceful (lease lost): nothing more is acknowledged or written. Either way every
   * connection is closed with MOVED_CLOSE_CODE, so clients reconnect wherever the balancer sends them.
   */
  async handOver(graceful: boolean): Promise<void> {
    const moved = new WriterMovedError();
    if (graceful) this.sequencer.stopAccepting(moved);
    else this.sequencer.fence(moved);
    const runner = this.#runner;
    this.#runner = null;
    runner?.moved();
    for (const user of [...this.#users]) user.close(MOVED_CLOSE_CODE, 'session moved to another server');
    await this.sequencer.idle();
    if (graceful) await this.log.close();
    else await this.log.abandon();
  }

  #onPersisted(batch: PersistedBatch): void {
    batch.messages.forEach((message, k) => {
      if (!isInputType(message.type)) return;
      const input = { seq: batch.first + k, line: batch.lines[k] };
      this.delivery.add(input.seq, input.line);
      this.#runner?.deliver([input]);
    });
    this.deps.fanOut.publish({
      sessionId: batch.sessionId,
      first: batch.first,
      last: batch.last,
      lines: batch.lines,
      persistedAt: batch.persistedAt,
    });
    const fromRunner = batch.messages.filter((m) => m.origin === 'runner');
    if (fromRunner.length === 0) return;
    try {
      this.deps.onRunnerMessages(this.sessionId, fromRunner);
    } catch (err) {
      this.deps.logger.error({ err, sessionId: this.sessionId }, 'handling persisted runner messages failed');
    }
  }

  #onFailed(error: Error): void {
    this.deps.logger.error(
      { err: error, sessionId: this.sessionId },
      'session log failed; reloading it from storage',
    );
    this.deps.onFailed(this, error);
    // Clients reconnect by themselves and land on a freshly recovered session.
    for (const user of [...this.#users]) user.close(1011, 'session log unavailable');
  }
}
