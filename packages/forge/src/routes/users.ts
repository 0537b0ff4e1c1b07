import type { FastifyInstance } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { notFound } from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { canAccess, READ_METADATA, userRole } from '../policies/repo-access.ts';
import { repoJson } from '../presenters/repository.ts';
import { organizationJson, privateUser, publicUser } from '../presenters/user.ts';
import type { RepoRecord } from '../state/model.ts';
import { findAccount, fullName, reposOwnedBy } from '../state/queries.ts';
import { queryString, requireUser } from './helpers.ts';

function sortRepos(
  repos: RepoRecord[],
  sort: string | undefined,
  direction: string | undefined,
): RepoRecord[] {
  const key = sort ?? 'full_name';
  const dir = direction ?? (key === 'full_name' ? 'asc' : 'desc');
  const value = (r: RepoRecord) =>
    key === 'created'
      ? r.createdAt
      : key === 'updated'
        ? r.updatedAt
        : key === 'pushed'
          ? r.pushedAt
          : fullName(r).toLowerCase();
  const sorted = [...repos].sort((a, b) =>
    value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id - b.id,
  );
  return dir === 'desc' ? sorted.reverse() : sorted;
}

export function userRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get('/user', async (req) => privateUser(ctx, requireUser(ctx, req.principal)));

  app.get<{ Params: { username: string } }>('/users/:username', async (req) => {
    const account = findAccount(ctx.store.read, req.params.username);
    if (!account) throw notFound();
    return publicUser(ctx, account);
  });

  app.get<{ Params: { org: string } }>('/orgs/:org', async (req) => {
    const account = findAccount(ctx.store.read, req.params.org);
    if (account?.type !== 'Organization') throw notFound();
    return organizationJson(ctx, account);
  });

  app.get('/user/repos', async (req, reply) => {
    const me = requireUser(ctx, req.principal);
    const state = ctx.store.read;
    const type = queryString(req, 'type') ?? 'all';
    const visibility = queryString(req, 'visibility') ?? 'all';
    const l = me.login.toLowerCase();
    // GitHub lists repositories the user is affiliated with: owner, collaborator, or member of the owning org.
    const affiliated = (r: RepoRecord) =>
      r.owner.toLowerCase() === l ||
      (r.collaborators[l] !== undefined && r.collaborators[l] !== 'none') ||
      Boolean(findAccount(state, r.owner)?.members?.[l]);
    // A user access token lists only what both the user and the App can reach.
    let repos = Object.values(state.repos).filter(
      (r) =>
        userRole(state, me.login, r) !== null &&
        affiliated(r) &&
        canAccess(state, req.principal, r, READ_METADATA),
    );
    if (type === 'owner') repos = repos.filter((r) => r.owner.toLowerCase() === l);
    if (type === 'member') repos = repos.filter((r) => r.owner.toLowerCase() !== l);
    if (type === 'public' || visibility === 'public') repos = repos.filter((r) => !r.private);
    if (type === 'private' || visibility === 'private') repos = repos.filter((r) => r.private);
    const sorted = sortRepos(repos, queryString(req, 'sort'), queryString(req, 'direction'));
    return paginate(ctx, req, reply, sorted).map((r) => repoJson(ctx, r, req.principal));
  });

  const listOwned = (kind: 'User' | 'Organization') =>
    async function (
      this: unknown,
      req: import('fastify').FastifyRequest,
      reply: import('fastify').FastifyReply,
    ) {
      const { username, org } = req.params as { username?: string; org?: string };
      const account = findAccount(ctx.store.read, (username ?? org)!);
      if (!account || (kind === 'Organization' && account.type !== 'Organization')) throw notFound();
      const state = ctx.store.read;
      let repos = reposOwnedBy(state, account.login).filter((r) =>
        canAccess(state, req.principal, r, READ_METADATA),
      );
      const type = queryString(req, 'type');
      if (type === 'public') repos = repos.filter((r) => !r.private);
      if (type === 'private') repos = repos.filter((r) => r.private);
      if (type === 'forks') repos = repos.filter((r) => r.fork);
      if (type === 'sources') repos = repos.filter((r) => !r.fork);
      const sort = queryString(req, 'sort') ?? (kind === 'Organization' ? 'created' : 'full_name');
      const sorted = sortRepos(
        repos,
        sort,
        queryString(req, 'direction') ?? (sort === 'created' ? 'asc' : undefined),
      );
      return paginate(ctx, req, reply, sorted).map((r) => repoJson(ctx, r, req.principal));
    };
  app.get('/users/:username/repos', listOwned('User'));
  app.get('/orgs/:org/repos', listOwned('Organization'));
}
