import type { Envelope } from '@rfe/protocol';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import type { ProjectsTable, SessionsTable } from '../db/schema.ts';
import { upsertMessageLogSummary } from '../db/sessions.ts';
import { AppError } from '../errors.ts';
import { type ObjectStore, scopedStore } from '../storage/index.ts';
import type { FanOut } from './fan-out/fan-out.ts';
import { LiveSession, type LiveSessionDeps } from './live-session.ts';
import type { WritePolicy } from './log/durable-write.ts';
import { GroupCommitLog } from './log/group-commit.ts';
import { recoverGroupCommits } from './log/group-commit-recovery.ts';
import { sessionLogPrefix } from './log/layout.ts';
import { Limiter } from './log/limiter.ts';
import type { LogIndexFile } from './log/log-index.ts';
import { type MessagingMetrics, messagingMetrics } from './metrics.ts';
import { WriterMovedError } from './sequencer.ts';
import type { MessagingSettings } from './settings.ts';
import { WriterBusyError, WriterLease } from './writer-lease.ts';

export interface MessagingHubDeps {
  db: Db;
  logger: Logger;
  registry: Registry;
  settings: MessagingSettings;
  fanOut: FanOut;
  /** The project's object store; tests wrap it (faults, recording). */
  storeFor: (project: ProjectsTable) => ObjectStore;
  onRunnerMessages?: (sessionId: string, messages: Envelope[]) => void;
}

/** The log could not be loaded: answered 503, the client tries again later. */
export class StorageUnavailableError extends AppError {
  constructor(cause: unknown) {
    super(
      503,
      'storage_unavailable',
      `The session's message log cannot be read from storage right now: ${String((cause as Error)?.message ?? cause)}`,
    );
  }
}

const UNLIMITED = new Limiter(Number.MAX_SAFE_INTEGER);

// How long shutdown waits for queued messages and a final index before giving up on storage.
const CLOSE_DEADLINE_MS = 10_000;

/**
 * The sessions loaded in this process. Opening a session recovers its log from storage; a session
 * nobody has used for `idleUnloadMs` is sealed (its chunks compacted into segments) and unloaded.
 */
export class MessagingHub {
  readonly metrics: MessagingMetrics;
  readonly settings: MessagingSettings;
  readonly fanOut: FanOut;
  readonly #deps: MessagingHubDeps;
  readonly #sessions = new Map<string, LiveSession>();
  readonly #opening = new Map<string, Promise<LiveSession>>();
  readonly #unloading = new Map<string, Promise<void>>();
  readonly #limiter: Limiter;
  readonly #writeSlots: Limiter;
  readonly #policy: WritePolicy;
  /** Per project (and storage settings): its group commit, usable once its leftovers are recovered. */
  readonly #groupCommits = new Map<string, Promise<GroupCommitLog>>();
  readonly #sweeper: ReturnType<typeof setInterval>;
  #stopped = false;
  #lastRetryWarning = 0;
  /** With several instances (Redis fan-out): which instance writes which session (writer-lease.ts). */
  readonly #lease: WriterLease | undefined;
  readonly #takingOver = new Map<string, Promise<LiveSession>>();

  constructor(deps: MessagingHubDeps) {
    this.#deps = deps;
    this.settings = deps.settings;
    this.fanOut = deps.fanOut;
    this.metrics = messagingMetrics(deps.registry);
    this.#limiter = new Limiter(deps.settings.compactionConcurrency);
    this.#writeSlots = new Limiter(deps.settings.maxChunkWritesInFlight);
    this.#policy = {
      baseMs: deps.settings.retryBaseMs,
      maxMs: deps.settings.retryMaxMs,
      stopped: () => this.#stopped,
      onRetry: ({ key, attempt, error }) => {
        this.metrics.storageRetries.inc();
        if (Date.now() - this.#lastRetryWarning < 5000) return;
        this.#lastRetryWarning = Date.now();
        deps.logger.warn({ err: error, key, attempt }, 'message log storage call failed; retrying');
      },
    };
    const signals = deps.fanOut.writerSignals;
    this.#lease =
      signals &&
      new WriterLease(
        deps.db,
        signals,
        { ttlMs: deps.settings.writerLeaseMs },
        {
          onAsked: (sessionId) => void this.#handOver(sessionId, true),
          onLost: (sessionId) => void this.#handOver(sessionId, false),
        },
        deps.logger,
      );
    const sweepEvery = Math.max(1000, Math.min(60_000, deps.settings.idleUnloadMs / 2));
    this.#sweeper = setInterval(() => this.#unloadIdle(), sweepEvery);
    this.#sweeper.unref();
  }

  /** The live state of a session, loading it from storage on first use. */
  async open(
    session: Pick<SessionsTable, 'id' | 'workspace_id'>,
    project: ProjectsTable,
  ): Promise<LiveSession> {
    const loaded = this.#sessions.get(session.id);
    if (loaded) return loaded;
    let opening = this.#opening.get(session.id);
    if (!opening) {
      opening = this.#load(session, project)
        .catch((error: unknown) => {
          throw new StorageUnavailableError(error);
        })
        .finally(() => this.#opening.delete(session.id));
      this.#opening.set(session.id, opening);
    }
    return opening;
  }

  /**
   * The session, for writing to it (a runner attaches, input or a backend message is appended). One
   * instance: the same as open(). Several: this instance first takes the session's writer lease (the
   * holder hands over), and a view it had loaded while another instance wrote is reloaded from storage.
   */
  forWriting(
    session: Pick<SessionsTable, 'id' | 'workspace_id'>,
    project: ProjectsTable,
  ): Promise<LiveSession> {
    const lease = this.#lease;
    if (!lease) return this.open(session, project);
    const loaded = this.#sessions.get(session.id);
    if (loaded?.acceptsWrites && lease.holds(session.id)) return Promise.resolve(loaded);
    let taking = this.#takingOver.get(session.id);
    if (!taking) {
      taking = (async () => {
        await lease.acquire(session.id);
        await this.#opening.get(session.id)?.catch(() => {});
        const view = this.#sessions.get(session.id);
        if (view && !view.acceptsWrites) {
          this.#sessions.delete(session.id);
          await view.handOver(true);
        }
        const live = await this.open(session, project);
        // Asked to hand over before the session was loaded: the lease went on to another instance.
        if (!live.acceptsWrites) throw new WriterBusyError(session.id, 'another instance', 0);
        return live;
      })().finally(() => this.#takingOver.delete(session.id));
      this.#takingOver.set(session.id, taking);
    }
    return taking;
  }

  /** True where this instance may write the session (always with one instance). */
  writes(sessionId: string): boolean {
    return !this.#lease || this.#lease.holds(sessionId);
  }

  /** The session if it is loaded in this process (nothing is read from storage). */
  loaded(sessionId: string): LiveSession | undefined {
    return this.#sessions.get(sessionId);
  }

  /** The session ended: its runner connection in this process, if any, is closed. */
  dropRunner(sessionId: string): void {
    this.#sessions.get(sessionId)?.dropRunner();
  }

  /** The session ended: compact its log now rather than when it is unloaded. */
  async endSession(sessionId: string): Promise<void> {
    const session = this.#sessions.get(sessionId);
    // Only the writer compacts; with several instances it seals the log when it unloads the session.
    if (!session || !this.writes(sessionId)) return;
    await session.sequencer.idle();
    await session.log.seal();
  }

  /** Sessions in memory, including those still being sealed on their way out. */
  get loadedSessions(): number {
    return this.#sessions.size + this.#unloading.size;
  }

  /** Stores what is queued and the indexes, then stops (storage retries end after a deadline). */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    const deadline = setTimeout(() => {
      this.#stopped = true;
    }, CLOSE_DEADLINE_MS);
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.allSettled([...this.#unloading.values(), ...sessions.map((s) => s.unload(false))]);
    await this.#lease?.close();
    const groupCommits = await Promise.allSettled(this.#groupCommits.values());
    await Promise.allSettled(groupCommits.map((g) => (g.status === 'fulfilled' ? g.value.close() : null)));
    this.#stopped = true;
    clearTimeout(deadline);
    await this.fanOut.close();
  }

  async #load(
    session: Pick<SessionsTable, 'id' | 'workspace_id'>,
    project: ProjectsTable,
  ): Promise<LiveSession> {
    // The previous incarnation must have stored everything before a new one recovers from storage.
    await this.#unloading.get(session.id);
    const location = sessionLogPrefix(session.workspace_id, session.id);
    const projectStore = this.#deps.storeFor(project);
    const store = scopedStore(projectStore, location);
    const groupCommit = await this.#groupCommitFor(project, projectStore);
    // A log of this session that broke may have left acknowledged chunks staged: store them first.
    await groupCommit?.storeUnreleased(location);
    const deps: LiveSessionDeps = {
      settings: this.settings,
      metrics: this.metrics,
      fanOut: this.fanOut,
      policy: this.#policy,
      limiter: this.#limiter,
      // Group-committed chunks are appended to one shared write: no reason to hold any back.
      writeSlots: groupCommit ? UNLIMITED : this.#writeSlots,
      groupCommit: groupCommit && { log: groupCommit, folder: location },
      logger: this.#deps.logger,
      onIndexWritten: (file) => this.#recordSummary(session.id, location, file),
      onRunnerMessages: (id, messages) => this.#deps.onRunnerMessages?.(id, messages),
      onFailed: (failed) => {
        if (this.#sessions.get(session.id) === failed) this.#sessions.delete(session.id);
      },
      ...(this.#lease ? { mayAcknowledge: () => this.#lease!.holds(session.id) } : {}),
    };
    const live = await LiveSession.open(session.id, store, deps);
    // A view for reading: another instance (or none) writes the session; forWriting reloads it.
    if (!this.writes(session.id)) live.sequencer.stopAccepting(new WriterMovedError());
    this.#sessions.set(session.id, live);
    return live;
  }

  /**
   * The project's group commit, where used (settings.groupCommit). On first use in this process the
   * chunks left in group-commit objects (a crash, another instance) are written to their sessions.
   */
  #groupCommitFor(project: ProjectsTable, store: ObjectStore): Promise<GroupCommitLog | undefined> {
    const mode = this.settings.groupCommit;
    if (mode === 'never') return Promise.resolve(undefined);
    const key = `${project.id}\n${project.storage_settings}`;
    let ready = this.#groupCommits.get(key);
    if (!ready) {
      ready = recoverGroupCommits(store, this.#policy).then((recovered) => {
        if (recovered.objects > 0)
          this.#deps.logger.info({ projectId: project.id, ...recovered }, 'recovered group-committed chunks');
        if (recovered.conflicts.length > 0)
          this.#deps.logger.warn(
            { projectId: project.id, keys: recovered.conflicts },
            'group-committed chunks conflict with stored ones; another process writes these sessions',
          );
        return new GroupCommitLog(
          store,
          this.#policy,
          {
            writesInFlight: this.settings.groupCommitWritesInFlight,
            intervalMs: this.settings.groupCommitIntervalMs[store.kind],
            maxObjectBytes: this.settings.groupCommitObjectBytes,
          },
          (err) =>
            this.#deps.logger.warn({ err, projectId: project.id }, 'deleting group-commit objects failed'),
        );
      });
      ready.catch(() => this.#groupCommits.delete(key)); // recovery is tried again by the next open
      this.#groupCommits.set(key, ready);
    }
    return ready;
  }

  /**
   * Another instance needs the session (graceful: asked while the lease holds) or the lease is lost:
   * the loaded session stops, its connections close (clients reconnect), and the lease is released.
   */
  async #handOver(sessionId: string, graceful: boolean): Promise<void> {
    try {
      await this.#opening.get(sessionId)?.catch(() => {});
      const live = this.#sessions.get(sessionId);
      if (live) {
        this.#sessions.delete(sessionId);
        this.metrics.handovers.inc({ kind: graceful ? 'graceful' : 'lost' });
        await live.handOver(graceful);
      }
    } catch (err) {
      this.#deps.logger.warn({ err, sessionId }, 'handing a session over to another instance failed');
    } finally {
      await this.#lease
        ?.release(sessionId)
        .catch((err: unknown) =>
          this.#deps.logger.warn({ err, sessionId }, 'releasing a writer lease failed'),
        );
    }
    this.#deps.logger.info({ sessionId, graceful }, 'session handed over to another instance');
  }

  #recordSummary(sessionId: string, location: string, file: LogIndexFile): void {
    upsertMessageLogSummary(this.#deps.db, {
      session_id: sessionId,
      location,
      message_count: file.messageCount,
      last_seq: file.lastSeq,
      segments: file.segments.length,
      last_updated: file.lastUpdated,
    }).catch((err: unknown) =>
      this.#deps.logger.warn({ err, sessionId }, 'could not update the message log summary'),
    );
  }

  #unloadIdle(): void {
    const now = Date.now();
    for (const [id, session] of this.#sessions) {
      if (session.idleMs(now) < this.settings.idleUnloadMs) continue;
      this.#sessions.delete(id);
      const unloading = session
        .unload(true)
        // Not when the session is being opened for writing again meanwhile: that reuses the lease.
        .then(() =>
          this.#takingOver.has(id) || this.#sessions.has(id) ? undefined : this.#lease?.release(id),
        )
        .catch((err: unknown) => this.#deps.logger.warn({ err, sessionId: id }, 'unloading a session failed'))
        .finally(() => this.#unloading.delete(id));
      this.#unloading.set(id, unloading);
    }
  }
}
