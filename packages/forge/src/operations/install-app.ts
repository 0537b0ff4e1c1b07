import type { ForgeContext } from '../context.ts';
import type { AccountRecord, InstallationRecord } from '../state/model.ts';
import { installationForAccount, iso } from '../state/queries.ts';
import type { AppPermissionLevel } from '../types.ts';

/** Installs the App on an account (all repositories unless `repositoryIds` is given); returns an existing one as is. */
export function ensureInstallation(
  ctx: ForgeContext,
  account: AccountRecord,
  opts: { id?: number; repositoryIds?: number[]; permissions?: Record<string, AppPermissionLevel> } = {},
): { installation: InstallationRecord; created: boolean } {
  const existing = installationForAccount(ctx.store.read, account.login);
  if (existing) return { installation: existing, created: false };
  const installation = ctx.store.mutate((state) => {
    const app = state.app;
    if (!app) throw new Error('no App is registered on this forge');
    const now = iso(ctx.now());
    const record: InstallationRecord = {
      id: opts.id ?? ctx.store.nextId(state),
      accountLogin: account.login,
      repositorySelection: opts.repositoryIds ? 'selected' : 'all',
      repositoryIds: opts.repositoryIds ?? [],
      permissions: { ...(opts.permissions ?? app.permissions) },
      events: [...app.events],
      createdAt: now,
      updatedAt: now,
    };
    state.installations[String(record.id)] = record;
    return record;
  });
  return { installation, created: true };
}
