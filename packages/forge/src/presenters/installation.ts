import type { ForgeContext } from '../context.ts';
import type { AppRecord, InstallationRecord } from '../state/model.ts';
import { findAccount } from '../state/queries.ts';
import { simpleUser } from './user.ts';

/** GitHub's `integration` (the App). */
export function appJson(ctx: ForgeContext, app: AppRecord) {
  const owner = findAccount(ctx.store.read, app.ownerLogin);
  return {
    id: app.id,
    slug: app.slug,
    node_id: Buffer.from(`03:Integration${app.id}`).toString('base64'),
    client_id: app.clientId,
    owner: owner ? simpleUser(ctx, owner) : null,
    name: app.name,
    description: 'RFE Workbench GitHub App (forge)',
    external_url: `${ctx.urls.web}/apps/${app.slug}`,
    html_url: `${ctx.urls.web}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: app.permissions,
    events: app.events,
    installations_count: Object.keys(ctx.store.read.installations).length,
  };
}

/** GitHub's `installation`. */
export function installationJson(ctx: ForgeContext, inst: InstallationRecord) {
  const account = findAccount(ctx.store.read, inst.accountLogin);
  const app = ctx.store.read.app;
  const isOrg = account?.type === 'Organization';
  return {
    id: inst.id,
    client_id: app?.clientId,
    account: account ? simpleUser(ctx, account) : null,
    repository_selection: inst.repositorySelection,
    access_tokens_url: `${ctx.urls.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${ctx.urls.api}/installation/repositories`,
    html_url: isOrg
      ? `${ctx.urls.web}/organizations/${inst.accountLogin}/settings/installations/${inst.id}`
      : `${ctx.urls.web}/settings/installations/${inst.id}`,
    app_id: app?.id ?? 0,
    app_slug: app?.slug ?? '',
    target_id: account?.id ?? 0,
    target_type: account?.type ?? 'User',
    permissions: inst.permissions,
    events: inst.events,
    created_at: inst.createdAt,
    updated_at: inst.updatedAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
