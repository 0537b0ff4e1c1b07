import type { AppContext } from '../context.ts';
import { appendAudit } from '../db/audit.ts';
import type { SessionsTable } from '../db/schema.ts';
import { findSessionById, TERMINAL_STATUSES, updateSessionStatus } from '../db/sessions.ts';
import { userOctokit } from '../github/user-octokit.ts';
import type { RunnerExit, RunnerLauncher } from '../launchers/launcher.ts';
import { emitBackendMessage } from './emit-backend-message.ts';
import { openPullRequest, type PrIntent } from './open-pull-request.ts';
import { createSessionMetrics, type SessionMetrics } from './session-metrics.ts';

/** The part of a persisted runner message the backend acts on. */
export interface RunnerMessage {
  type: string;
  payload: Record<string, unknown>;
}

interface Tracked {
  row: SessionsTable;
  launchedAt: number;
  sawMessage: boolean;
  /** PR intents are handled one at a time, in the order the runner sent them. */
  work: Promise<void>;
  failures: string[];
}

/**
 * Follows running sessions: opens the PRs runners ask for, records errors, and turns the runner's exit
 * into the session's final status once the PR work has drained.
 */
export class SessionManager {
  readonly metrics: SessionMetrics;
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly ctx: AppContext,
    readonly launcher: RunnerLauncher,
  ) {
    this.metrics = createSessionMetrics(ctx.metrics.registry);
    launcher.onExit((exit) => void this.finish(exit));
  }

  track(row: SessionsTable): void {
    this.tracked.set(row.id, {
      row,
      launchedAt: performance.now(),
      sawMessage: false,
      work: Promise.resolve(),
      failures: [],
    });
  }

  /** Called by the messaging layer after runner messages are persisted. */
  onRunnerMessages(sessionId: string, messages: RunnerMessage[]): void {
    const t = this.tracked.get(sessionId);
    if (!t) return;
    if (!t.sawMessage && messages.length) {
      t.sawMessage = true;
      this.metrics.firstMessage.observe((performance.now() - t.launchedAt) / 1000);
    }
    for (const m of messages) {
      if (m.type === 'pr_intent')
        t.work = t.work.then(() => this.openPr(t, m.payload as unknown as PrIntent));
      if (m.type === 'error') {
        const message = String(m.payload.message ?? 'the runner reported an error');
        t.failures.push(message);
        void this.ctx.db
          .updateTable('sessions')
          .set({ error: message })
          .where('id', '=', sessionId)
          .execute();
      }
    }
  }

  async cancel(session: SessionsTable, actor: string, reason = 'cancelled by user'): Promise<void> {
    if (TERMINAL_STATUSES.includes(session.status)) return;
    const t = this.tracked.get(session.id);
    if (t) t.failures.push(`cancelled: ${reason}`);
    await updateSessionStatus(this.ctx.db, session.id, 'cancelled', { error: reason });
    await appendAudit(this.ctx.db, {
      actor,
      action: 'session.cancel',
      projectId: session.project_id,
      target: `session:${session.id}`,
      details: { reason },
    });
    await this.launcher.cancel(session.id, 3000);
  }

  async close(): Promise<void> {
    await this.launcher.close();
  }

  /** Resolves when the session's PR work has drained (tests and shutdown). */
  async settled(sessionId: string): Promise<void> {
    await this.tracked.get(sessionId)?.work;
  }

  private async openPr(t: Tracked, intent: PrIntent): Promise<void> {
    try {
      const octokit = await userOctokit(this.ctx, { id: t.row.user_id });
      const pr = await openPullRequest(this.ctx, octokit, t.row, intent);
      await emitBackendMessage(this.ctx, t.row, {
        type: 'pr_event',
        payload: {
          action: 'opened',
          repo: pr.repo,
          number: pr.number,
          url: pr.url,
          base: pr.base,
          head: pr.head,
        },
      }).catch((err) =>
        this.ctx.logger.warn({ err: (err as Error).message, session: t.row.id }, 'pr_event not logged'),
      );
    } catch (err) {
      const message = `Opening the pull request on ${intent.repo} failed: ${(err as Error).message}`;
      t.failures.push(message);
      this.ctx.logger.warn({ session: t.row.id, repo: intent.repo }, message);
      await updateSessionStatus(this.ctx.db, t.row.id, 'running', {
        error: message,
        remediation: `The branch ${intent.head} was pushed; open the pull request into ${intent.base} on ${intent.repo} by hand, or start the session again.`,
      });
    }
  }

  private async finish(exit: RunnerExit): Promise<void> {
    const t = this.tracked.get(exit.sessionId);
    await t?.work;
    this.tracked.delete(exit.sessionId);
    const session = await findSessionById(this.ctx.db, exit.sessionId);
    if (!session) return;
    if (t) this.metrics.duration.observe({ kind: session.kind }, (performance.now() - t.launchedAt) / 1000);
    if (TERMINAL_STATUSES.includes(session.status)) {
      this.metrics.outcomes.inc({ kind: session.kind, status: session.status });
      return;
    }
    const failures = t?.failures ?? [];
    let status: SessionsTable['status'] = 'succeeded';
    if (exit.exitCode === 130) status = 'cancelled';
    else if (exit.exitCode !== 0 || failures.length) status = 'failed';
    const error =
      status === 'failed'
        ? (failures.at(-1) ??
          `The runner exited with ${exit.exitCode === null ? exit.reason : `code ${exit.exitCode}`}; see the session log.`)
        : session.error;
    await updateSessionStatus(this.ctx.db, exit.sessionId, status, { error });
    this.metrics.outcomes.inc({ kind: session.kind, status });
    // The log is complete: compact its chunks into segments now rather than after the idle timeout.
    await this.ctx.messaging
      .endSession(exit.sessionId)
      .catch((err: Error) =>
        this.ctx.logger.warn({ err: err.message, session: exit.sessionId }, 'sealing the session log failed'),
      );
  }
}
