import type { AppContext } from '../context.ts';
import type { SessionsTable } from '../db/schema.ts';
import { advanceCursor } from '../db/session-lifecycle.ts';
import { userOctokit } from '../github/user-octokit.ts';
import type { LiveSession } from '../messaging/live-session.ts';
import { emitBackendMessage } from './emit-backend-message.ts';
import { openPullRequest, type PrIntent } from './open-pull-request.ts';

const PAGE = 500;

interface Parsed {
  origin: string;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * Acts on the runner messages after the session's cursor, in log order, while `worker` holds the
 * session's work: opens the PRs runners ask for (idempotent per repository, so a crash between opening
 * and moving the cursor never opens a second one), records errors and the result. The cursor moves
 * after each page; a restart — on any instance — resumes from it. Returns false when the lease was lost.
 */
export async function actOnLog(
  ctx: AppContext,
  worker: string,
  row: SessionsTable,
  live: LiveSession,
): Promise<boolean> {
  let cursor = row.acted_seq ?? 0;
  let error = row.error;
  for (;;) {
    const page = await live.readPage(cursor, PAGE);
    if (page.length === 0) return true;
    const patch: Parameters<typeof advanceCursor>[3] = { acted_seq: page[page.length - 1]!.seq };
    for (const { seq, line } of page) {
      const m = JSON.parse(line) as Parsed;
      if (m.origin !== 'runner') continue;
      if (m.type === 'pr_intent') {
        const failure = await openPr(ctx, row, m.payload as unknown as PrIntent);
        if (failure) Object.assign(patch, failure);
      } else if (m.type === 'error') {
        error = String(m.payload.message ?? 'the runner reported an error');
        patch.error = error;
      } else if (m.type === 'result') {
        patch.result_seq = seq;
      }
    }
    if (!(await advanceCursor(ctx.db, row.id, worker, patch))) return false;
    cursor = patch.acted_seq;
  }
}

async function openPr(
  ctx: AppContext,
  row: SessionsTable,
  intent: PrIntent,
): Promise<{ error: string; remediation: string } | undefined> {
  try {
    const octokit = await userOctokit(ctx, { id: row.user_id });
    const pr = await openPullRequest(ctx, octokit, row, intent);
    await emitBackendMessage(ctx, row, {
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
      ctx.logger.warn({ err: (err as Error).message, session: row.id }, 'pr_event not logged'),
    );
    return undefined;
  } catch (err) {
    const message = `Opening the pull request on ${intent.repo} failed: ${(err as Error).message}`;
    ctx.logger.warn({ session: row.id, repo: intent.repo }, message);
    return {
      error: message,
      remediation: `The branch ${intent.head} was pushed; open the pull request into ${intent.base} on ${intent.repo} by hand, or start the session again.`,
    };
  }
}
