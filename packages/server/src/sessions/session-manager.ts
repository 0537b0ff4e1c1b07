import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../db/audit.ts';
import type { SessionsTable } from '../db/schema.ts';
import {
  claimWork,
  endSession,
  markLaunched,
  parseExit,
  parseHandle,
  type RecordedExit,
  recordExit,
  recordResumed,
  releaseWork,
} from '../db/session-lifecycle.ts';
import { findSessionById, TERMINAL_STATUSES } from '../db/sessions.ts';
import { revokeSessionTokens } from '../github/session-tokens.ts';
import type { RunnerExit, RunnerHandle, RunnerLauncher } from '../launchers/launcher.ts';
import { actOnLog } from './act-on-log.ts';
import { Reconciler } from './reconcile-sessions.ts';
import { createSessionMetrics, type SessionMetrics } from './session-metrics.ts';
import { decideOutcome } from './session-outcome.ts';

/** Runner messages the backend acts on (act-on-log.ts): PRs to open, the error, the result. */
const ACTIONABLE = new Set(['pr_intent', 'error', 'result']);

/** The part of a persisted runner message the backend acts on. */
export interface RunnerMessage {
  type: string;
  payload: Record<string, unknown>;
}

/** How long a claim on a session's work lasts without being renewed (an instance that died loses it). */
const LEASE_MS = 30_000;
/** How often a runner killed without an exit status is started again on its work directory. */
export const MAX_RESTARTS = 2;
const RETRY_MS = 1000;

/**
 * Follows sessions through the database, so any instance can take over: acts on the runner messages
 * after the session's cursor (PR intents, errors, the result), turns the runner's exit plus the log into
 * the final status, cancels by the recorded launcher handle, and reconciles every non-terminal session at
 * start-up and every reconciliation period (reconcile-sessions.ts).
 */
export class SessionManager {
  readonly metrics: SessionMetrics;
  /** This instance, as it appears in `sessions.worker_id` while it holds a session's work. */
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly launchedAt = new Map<string, number>();
  private reconciler: Reconciler | undefined;
  private closed = false;

  constructor(
    private readonly ctx: AppContext,
    readonly launcher: RunnerLauncher,
  ) {
    this.metrics = createSessionMetrics(ctx.metrics.registry);
    launcher.onExit((exit) => {
      this.onRunnerExit(exit).catch((err: Error) =>
        ctx.logger.error({ err, session: exit.sessionId }, 'handling the runner exit failed'),
      );
    });
  }

  /** Reconciles now and then every `periodMs` (SESSION_RECONCILE_SECONDS). */
  startReconciling(periodMs: number): Promise<void> {
    this.reconciler = new Reconciler(this.ctx, this, periodMs);
    return this.reconciler.start();
  }

  /** Runs one reconciliation pass (tests, benchmarks). */
  reconcileNow(): Promise<void> {
    return (this.reconciler ?? new Reconciler(this.ctx, this, 0)).runOnce();
  }

  /** The runner is up: its handle and deadline are recorded, the session is `running`. */
  async launched(row: SessionsTable, handle: RunnerHandle, deadlineAt: string): Promise<void> {
    this.launchedAt.set(row.id, performance.now());
    if (!(await markLaunched(this.ctx.db, row.id, handle, deadlineAt))) {
      // Ended meanwhile (cancelled, or reconciled as a launch that never finished): stop what started.
      await this.launcher.stop(row.id, handle, 1000);
    }
  }

  /** Called by the messaging layer after runner messages are persisted. */
  onRunnerMessages(sessionId: string, messages: RunnerMessage[]): void {
    const started = this.launchedAt.get(sessionId);
    if (started !== undefined && messages.length) {
      this.launchedAt.delete(sessionId);
      this.metrics.firstMessage.observe((performance.now() - started) / 1000);
    }
    // Only these make the log worth acting on; the cursor moves past the rest when it next runs (or at exit),
    // so a stream of log lines costs no database round trips per stored chunk.
    if (messages.some((m) => ACTIONABLE.has(m.type))) this.kick(sessionId);
  }

  /** Schedules acting on the session's log (and settling it once its runner exited), once per burst. */
  kick(sessionId: string): void {
    if (this.closed || this.queued.has(sessionId)) return;
    this.queued.add(sessionId);
    void this.serial(sessionId, async () => {
      this.queued.delete(sessionId);
      await this.process(sessionId);
    });
  }

  async cancel(session: SessionsTable, actor: string, reason = 'cancelled by user'): Promise<void> {
    if (TERMINAL_STATUSES.includes(session.status)) return;
    if (!(await endSession(this.ctx.db, session.id, 'cancelled', { error: reason }))) return;
    await appendAudit(this.ctx.db, {
      actor,
      action: 'session.cancel',
      projectId: session.project_id,
      target: `session:${session.id}`,
      details: { reason },
    });
    await this.stopRunner(session.id);
  }

  /** The deadline passed: whichever instance notices stops the runner and fails the session. */
  async expire(row: SessionsTable): Promise<void> {
    const ended = await endSession(this.ctx.db, row.id, 'failed', {
      error: `The session ran past its deadline (${row.deadline_at}) and was stopped.`,
      remediation:
        'Start it again with a smaller task, or ask an administrator to raise SESSION_TIMEOUT_SECONDS.',
    });
    if (ended) this.metrics.outcomes.inc({ kind: row.kind, status: 'failed' });
    await this.stopRunner(row.id);
  }

  /** Ends a session that cannot go on, with what happened and what to do about it. */
  async fail(row: SessionsTable, error: string, remediation: string): Promise<void> {
    if (await endSession(this.ctx.db, row.id, 'failed', { error, remediation })) {
      this.metrics.outcomes.inc({ kind: row.kind, status: 'failed' });
      this.ctx.logger.warn({ session: row.id }, error);
    }
    await this.closeOut(row.id);
  }

  /** Starts a dead runner again on its work directory, once across all instances (the work lease). */
  async resume(row: SessionsTable, handle: RunnerHandle): Promise<boolean> {
    return this.serial(row.id, async () => {
      if (!(await claimWork(this.ctx.db, row.id, this.worker, LEASE_MS))) return false;
      try {
        const fresh = await findSessionById(this.ctx.db, row.id);
        if (
          !fresh ||
          TERMINAL_STATUSES.includes(fresh.status) ||
          fresh.launcher_handle !== row.launcher_handle
        )
          return false;
        const next = await this.launcher.resume(row.id, handle);
        if (!next) return false;
        await recordResumed(this.ctx.db, row.id, next);
        this.launcher.follow(row.id, next);
        this.ctx.logger.warn({ session: row.id }, 'runner was gone; started it again on its work directory');
        return true;
      } finally {
        await releaseWork(this.ctx.db, row.id, this.worker);
      }
    }).then((resumed) => resumed ?? false);
  }

  /** Stops processing; runners keep running (they reconnect, and reconciliation follows them again). */
  async close(): Promise<void> {
    this.closed = true;
    this.reconciler?.stop();
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    await Promise.allSettled([...this.chains.values()]);
    await this.launcher.close();
  }

  /** Resolves when the work queued for the session on this instance is done (tests and shutdown). */
  async settled(sessionId: string): Promise<void> {
    while (this.chains.has(sessionId)) await this.chains.get(sessionId);
  }

  private async onRunnerExit(exit: RunnerExit): Promise<void> {
    const row = await findSessionById(this.ctx.db, exit.sessionId);
    if (!row) return;
    if (TERMINAL_STATUSES.includes(row.status)) {
      await this.closeOut(row.id);
      return;
    }
    const handle = parseHandle(row);
    if (exit.resumable && handle && (row.restarts ?? 0) < MAX_RESTARTS && (await this.resume(row, handle)))
      return;
    await recordExit(this.ctx.db, row.id, {
      exitCode: exit.exitCode,
      ...(exit.reason ? { reason: exit.reason } : {}),
    });
    this.kick(row.id);
  }

  /**
   * Acts on the log from the cursor while holding the session's work. While the runner runs, only the
   * instance its channel is attached to acts (it writes the log, so a `pr_event` it adds has one writer);
   * once the runner exited, whoever holds the work reads the log to its end and settles the session.
   */
  private async process(sessionId: string): Promise<void> {
    const before = await findSessionById(this.ctx.db, sessionId);
    if (!before || TERMINAL_STATUSES.includes(before.status)) return;
    const exit = parseExit(before);
    const attached = this.ctx.messaging.loaded(sessionId);
    if (!exit && !attached?.runnerAttached) return;
    if (!(await claimWork(this.ctx.db, sessionId, this.worker, LEASE_MS))) {
      this.retryLater(sessionId);
      return;
    }
    try {
      const row = (await findSessionById(this.ctx.db, sessionId))!;
      const project = await this.ctx.db
        .selectFrom('projects')
        .selectAll()
        .where('id', '=', row.project_id)
        .executeTakeFirstOrThrow();
      const live = await this.ctx.messaging.open(row, project);
      if (exit && !live.log.writing) {
        // Another instance wrote the log: its last chunks may reach storage a little late.
        await new Promise((resolve) => setTimeout(resolve, live.visibilityLagMs));
        await live.refresh();
      }
      if (!(await actOnLog(this.ctx, this.worker, row, live))) return;
      if (exit) await this.settle(sessionId, exit);
    } finally {
      await releaseWork(this.ctx.db, sessionId, this.worker);
    }
  }

  private async settle(sessionId: string, exit: RecordedExit): Promise<void> {
    const row = await findSessionById(this.ctx.db, sessionId);
    if (!row) return;
    const outcome = decideOutcome(row, exit);
    if (await endSession(this.ctx.db, sessionId, outcome.status, outcome)) {
      this.metrics.outcomes.inc({ kind: row.kind, status: outcome.status });
      if (row.started_at)
        this.metrics.duration.observe({ kind: row.kind }, (Date.now() - Date.parse(row.started_at)) / 1000);
    }
    await this.closeOut(sessionId);
  }

  /**
   * A finished session: its runner connection is refused from now on, its installation tokens revoked, its
   * log sealed, its secrets removed.
   */
  private async closeOut(sessionId: string): Promise<void> {
    this.ctx.messaging.dropRunner(sessionId);
    await revokeSessionTokens(this.ctx, sessionId);
    await this.ctx.messaging
      .endSession(sessionId)
      .catch((err: Error) =>
        this.ctx.logger.warn({ err: err.message, session: sessionId }, 'sealing the session log failed'),
      );
    const row = await findSessionById(this.ctx.db, sessionId);
    const handle = row && parseHandle(row);
    if (handle) await this.launcher.discard(sessionId, handle).catch(() => {});
  }

  private async stopRunner(sessionId: string): Promise<void> {
    const row = await findSessionById(this.ctx.db, sessionId);
    const handle = row && parseHandle(row);
    if (handle) await this.launcher.stop(sessionId, handle, 3000);
    await this.closeOut(sessionId);
  }

  private retryLater(sessionId: string): void {
    if (this.closed || this.retries.has(sessionId)) return;
    const timer = setTimeout(() => {
      this.retries.delete(sessionId);
      this.kick(sessionId);
    }, RETRY_MS);
    timer.unref();
    this.retries.set(sessionId, timer);
  }

  /** Work on one session runs one job at a time on this instance (across instances: the work lease). */
  private serial<T>(sessionId: string, job: () => Promise<T>): Promise<T | undefined> {
    const previous = this.chains.get(sessionId) ?? Promise.resolve();
    const result = previous.then(job).catch((err: Error) => {
      this.ctx.logger.error({ err, session: sessionId }, 'session work failed; reconciliation tries again');
      return undefined;
    });
    const done = result.then(() => {});
    this.chains.set(sessionId, done);
    void done.then(() => {
      if (this.chains.get(sessionId) === done) this.chains.delete(sessionId);
    });
    return result;
  }
}
