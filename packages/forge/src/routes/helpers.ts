import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { ForgeError, notFound, requiresAuthentication } from '../http/errors.ts';
import { assertRepoAccess, type Need } from '../policies/repo-access.ts';
import { appBotUser, simpleUser } from '../presenters/user.ts';
import type { AccountRecord, RepoRecord } from '../state/model.ts';
import { findAccount, findRepo, repoGitDir } from '../state/queries.ts';

export type RepoParams = { owner: string; repo: string };

/** The repository named in the URL, after the access check for `need`. */
export function repoFromRequest(
  ctx: ForgeContext,
  req: FastifyRequest,
  need: Need,
  opts: { emptyOk?: boolean } = {},
): { repo: RepoRecord; gitDir: string } {
  const { owner, repo: name } = req.params as RepoParams;
  const repo = findRepo(ctx.store.read, owner, name);
  if (!repo) throw notFound();
  assertRepoAccess(ctx.store.read, req.principal, repo, need);
  // A fork still being populated: GitHub answers git reads and contents with 409.
  if (repo.populating && need.perm === 'contents' && !opts.emptyOk) throw repositoryEmpty();
  return { repo, gitDir: repoGitDir(ctx.reposDir, repo) };
}

export const repositoryEmpty = (): ForgeError => new ForgeError(409, 'Git Repository is empty.');

export function requireUser(ctx: ForgeContext, p: Principal): AccountRecord {
  if (p.kind === 'anonymous') throw requiresAuthentication();
  if (p.kind !== 'user') throw new ForgeError(403, 'Resource not accessible by integration');
  const account = findAccount(ctx.store.read, p.login);
  if (!account) throw requiresAuthentication();
  return account;
}

/** The `sender`/`user` object for whoever acts. */
export function actorJson(ctx: ForgeContext, p: Principal) {
  if (p.kind === 'user') {
    const account = findAccount(ctx.store.read, p.login);
    if (account) return simpleUser(ctx, account);
  }
  return appBotUser(ctx);
}

/** Login recorded on objects the actor creates (PR authors, merged_by). */
export function actorLogin(ctx: ForgeContext, p: Principal): string {
  if (p.kind === 'user') return p.login;
  return `${ctx.store.read.app?.slug ?? 'forge-app'}[bot]`;
}

/** Default commit identity, as GitHub fills it for API-created commits. */
export function actorIdentity(ctx: ForgeContext, p: Principal): { name: string; email: string } {
  const actor = actorJson(ctx, p);
  return { name: actor.login, email: `${actor.id}+${actor.login}@users.noreply.github.com` };
}

export function queryString(req: FastifyRequest, key: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}
