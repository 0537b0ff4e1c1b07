import type { ForgeContext } from '../context.ts';
import type { AccountRecord } from '../state/model.ts';
import { reposOwnedBy } from '../state/queries.ts';

const nodeId = (type: string, id: number) => Buffer.from(`04:${type}${id}`).toString('base64');

/** GitHub's `simple-user` (also used for organizations as owners). */
export function simpleUser(ctx: ForgeContext, a: AccountRecord) {
  const api = `${ctx.urls.api}/users/${a.login}`;
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId(a.type, a.id),
    avatar_url: `${ctx.urls.web}/avatars/u/${a.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${ctx.urls.web}/${a.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: a.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** GitHub's `public-user` (`GET /users/{username}`). */
export function publicUser(ctx: ForgeContext, a: AccountRecord) {
  const publicRepos = reposOwnedBy(ctx.store.read, a.login).filter((r) => !r.private).length;
  return {
    ...simpleUser(ctx, a),
    name: a.name,
    company: null,
    blog: '',
    location: null,
    email: a.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: publicRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: a.createdAt,
    updated_at: a.createdAt,
  };
}

/** GitHub's `private-user` (`GET /user`). */
export function privateUser(ctx: ForgeContext, a: AccountRecord) {
  const owned = reposOwnedBy(ctx.store.read, a.login);
  const privateCount = owned.filter((r) => r.private).length;
  return {
    ...publicUser(ctx, a),
    private_gists: 0,
    total_private_repos: privateCount,
    owned_private_repos: privateCount,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
    plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}

/** A bot user standing for the App in `sender`/`user` fields of installation-token actions. */
export function appBotUser(ctx: ForgeContext) {
  const app = ctx.store.read.app;
  const slug = app?.slug ?? 'forge-app';
  const id = (app?.id ?? 0) + 41_000_000;
  const user = simpleUser(ctx, {
    id,
    login: `${slug}[bot]`,
    type: 'User',
    name: null,
    email: null,
    createdAt: app?.createdAt ?? '1970-01-01T00:00:00Z',
  });
  return { ...user, type: 'Bot' };
}

/** GitHub's `organization-full` (`GET /orgs/{org}`): an organization's own shape, not a user's. */
export function organizationJson(ctx: ForgeContext, a: AccountRecord) {
  const api = `${ctx.urls.api}/orgs/${a.login}`;
  const owned = reposOwnedBy(ctx.store.read, a.login);
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId(a.type, a.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${ctx.urls.web}/avatars/u/${a.id}?v=4`,
    description: null,
    // Optional in GitHub's schema and typed string: omitted rather than null when unknown.
    ...(a.name ? { name: a.name } : {}),
    ...(a.email ? { email: a.email } : {}),
    is_verified: false,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: owned.filter((r) => !r.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `${ctx.urls.web}/${a.login}`,
    type: 'Organization',
    created_at: a.createdAt,
    updated_at: a.createdAt,
    archived_at: null,
  };
}
