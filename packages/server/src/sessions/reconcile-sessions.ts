import type { AppContext } from '../context.ts';
import type { SessionsTable } from '../db/schema.ts';
import { liveSessions, parseExit, parseHandle, recordExit } from '../db/session-lifecycle.ts';
import { MAX_RESTARTS, type SessionManager } from './session-manager.ts';

/** A session still `queued` this long after it was created lost its launch (the server died mid-way). */
const LAUNCH_GRACE_MS = 5 * 60_000;

/**
 * Reconciliation: at start-up and every period (SESSION_RECONCILE_SECONDS) every instance looks at every
 * non-terminal session and moves it on — so no session can stay `running` after its runner is gone:
 *
 * - past its deadline → the runner is stopped and the session `failed` (whichever instance finds it);
 * - runner alive → followed (its exit is noticed here too) and its log acted on from the cursor;
 * - runner exited → the exit is recorded and the session settled from the log;
 * - runner gone without an exit status, work directory intact → started again there (its outbox resends);
 * - runner gone for good → `failed`, with what happened and what to do.
 */
export class Reconciler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly sessions: SessionManager,
    private readonly periodMs: number,
  ) {}

  async start(): Promise<void> {
    await this.runOnce();
    if (this.periodMs <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over every non-terminal session; a pass already under way is joined, not repeated. */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    let rows: SessionsTable[];
    try {
      rows = await liveSessions(this.ctx.db);
    } catch (err) {
      this.ctx.logger.warn({ err }, 'reconciliation could not list sessions; trying again next period');
      return;
    }
    await Promise.all(
      rows.map((row) =>
        this.reconcile(row).catch((err: Error) =>
          this.ctx.logger.warn({ err: err.message, session: row.id }, 'reconciling a session failed'),
        ),
      ),
    );
  }

  private async reconcile(row: SessionsTable): Promise<void> {
    const launcher = this.sessions.launcher;
    if (row.deadline_at && Date.parse(row.deadline_at) <= Date.now()) return this.sessions.expire(row);
    const handle = parseHandle(row);
    if (!handle) {
      if (Date.now() - Date.parse(row.created_at) < LAUNCH_GRACE_MS) return;
      return this.sessions.fail(
        row,
        'The server stopped while it was launching this session; no runner was recorded for it.',
        'Start the session again.',
      );
    }
    if (parseExit(row)) return this.sessions.kick(row.id);
    const state = await launcher.inspect(row.id, handle);
    if (state.state === 'alive') {
      launcher.follow(row.id, handle);
      return this.sessions.kick(row.id);
    }
    if (state.state === 'exited') {
      await recordExit(this.ctx.db, row.id, {
        exitCode: state.exitCode,
        ...(state.reason ? { reason: state.reason } : {}),
      });
      return this.sessions.kick(row.id);
    }
    if (state.resumable && (row.restarts ?? 0) < MAX_RESTARTS && (await this.sessions.resume(row, handle)))
      return;
    return this.sessions.fail(
      row,
      `The session's runner is gone: ${state.reason}${state.resumable ? ` (started again ${row.restarts ?? 0} times already)` : ''}.`,
      state.resumable
        ? 'The runner keeps dying (out of memory? killed?); check the runner log in its run directory, then start the session again.'
        : 'Its work directory did not survive, so it cannot be resumed; start the session again (pushed branches and opened pull requests are kept).',
    );
  }
}
