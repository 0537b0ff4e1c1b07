import type { AppContext } from '../context.ts';
import type { WorkspacesTable } from '../db/schema.ts';
import { findUserById } from '../db/users.ts';
import { upstreamReader } from '../github/upstream-reader.ts';
import { type SyncSource, syncWorkspaceStatus, type UpstreamStatus } from './sync-status.ts';

/**
 * Keeps every workspace's upstream status current: on webhooks, on a timer as the fallback, and on demand.
 * Syncs read through the App's installation on the upstream's owner (no user's token is needed, so they
 * keep working when the workspace's creator unlinks); concurrent requests for one workspace share one sync.
 */
export class StatusSyncer {
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Map<string, Promise<UpstreamStatus>>();

  constructor(private readonly ctx: AppContext) {}

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.syncAll('periodic'), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async syncAll(source: SyncSource): Promise<void> {
    if (!this.ctx.github) return;
    const all = await this.ctx.db.selectFrom('workspaces').selectAll().execute();
    await Promise.all(all.map((ws) => this.syncQuietly(ws, source)));
  }

  /** A push or pull request event on a repository: resync the workspaces whose upstream it is. */
  async onRepositoryEvent(owner: string, repo: string): Promise<void> {
    const affected = await this.ctx.db
      .selectFrom('workspaces')
      .selectAll()
      .where('upstream_owner', '=', owner)
      .where('upstream_repo', '=', repo)
      .execute();
    await Promise.all(affected.map((ws) => this.syncQuietly(ws, 'webhook')));
  }

  sync(ws: WorkspacesTable, source: SyncSource, as?: { id: string }): Promise<UpstreamStatus> {
    const running = this.inFlight.get(ws.id);
    if (running) return running;
    const p = (async () => {
      const actor = as ? (await findUserById(this.ctx.db, as.id))?.subject : undefined;
      const reader = await upstreamReader(this.ctx, ws.upstream_owner, [ws.upstream_repo], actor ?? 'system');
      return syncWorkspaceStatus(this.ctx.db, reader, ws, source);
    })().finally(() => this.inFlight.delete(ws.id));
    this.inFlight.set(ws.id, p);
    return p;
  }

  private async syncQuietly(ws: WorkspacesTable, source: SyncSource): Promise<void> {
    try {
      await this.sync(ws, source);
    } catch (err) {
      this.ctx.logger.warn(
        { workspace: ws.id, source, err: (err as Error).message },
        'workspace status sync failed',
      );
    }
  }
}
