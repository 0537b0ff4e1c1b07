import type { AppContext } from '../context.ts';
import { findSessionById } from '../db/sessions.ts';
import type { LaunchSpec } from '../launchers/launcher.ts';
import { modelForSession } from '../model/session-model.ts';

/**
 * A runner's secret files, issued again for a runner started anew on its work directory: the runner
 * removes its files once it has read them (so no agent code can), and both secrets are derived from the
 * session id. Git credentials are never in them; the runner asks for those per step.
 */
export async function reissueRunnerSecrets(
  ctx: AppContext,
  sessionId: string,
): Promise<LaunchSpec['secrets'] | undefined> {
  const row = await findSessionById(ctx.db, sessionId);
  const project =
    row &&
    (await ctx.db.selectFrom('projects').selectAll().where('id', '=', row.project_id).executeTakeFirst());
  if (!row || !project) return undefined;
  const model = (await modelForSession(ctx, project, row.adapter).catch(() => undefined))?.(sessionId);
  return {
    runnerToken: ctx.runnerTokens.issue(sessionId),
    gitCredentials: JSON.stringify({ git: [], ...(model ? { modelKey: model.modelKey } : {}) }),
  };
}
