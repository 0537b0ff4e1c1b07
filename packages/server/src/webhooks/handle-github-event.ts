import type { AppContext } from '../context.ts';
import { now } from '../db/database.ts';

interface RepoPayload {
  repository?: { name?: string; owner?: { login?: string } };
}
interface PullPayload extends RepoPayload {
  action?: string;
  pull_request?: {
    number?: number;
    state?: string;
    merged?: boolean;
    base?: { repo?: { full_name?: string } };
  };
}

/** What the platform does with each GitHub event: PR states follow pull_request events; pushes resync status. */
export async function handleGithubEvent(ctx: AppContext, event: string, payload: unknown): Promise<void> {
  const p = payload as PullPayload;
  const owner = p.repository?.owner?.login;
  const repo = p.repository?.name;
  if (!owner || !repo) return;
  if (event === 'pull_request' && p.pull_request?.number) {
    const status = p.pull_request.merged ? 'merged' : p.pull_request.state === 'closed' ? 'closed' : 'open';
    await ctx.db
      .updateTable('pr_links')
      .set({ status, updated_at: now() })
      .where('repo', '=', `${owner}/${repo}`)
      .where('number', '=', p.pull_request.number)
      .execute();
  }
  if (event === 'push' || event === 'pull_request') await ctx.statusSyncer.onRepositoryEvent(owner, repo);
}
