import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import { INSTALLATION_TOKEN_TTL_MS, issueToken, pruneExpired } from '../auth/tokens.ts';
import type { ForgeContext } from '../context.ts';
import {
  bodyObject,
  ForgeError,
  notFound,
  requiresAuthentication,
  unprocessable,
  validationFailed,
} from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { canAccess, READ_METADATA, tokenInScope } from '../policies/repo-access.ts';
import { appJson, installationJson } from '../presenters/installation.ts';
import { repoJson } from '../presenters/repository.ts';
import type { InstallationRecord } from '../state/model.ts';
import { findAccount, findRepo, installationForAccount, installationRepos, iso } from '../state/queries.ts';
import type { AppPermissionLevel } from '../types.ts';
import { requireUser } from './helpers.ts';

const JWT_REQUIRED = 'A JSON web token could not be decoded';
const REPO_NOT_IN_INSTALLATION =
  'There is at least one repository that does not exist or is not accessible to the parent installation.';
const PERMISSION_NOT_GRANTED = 'The permissions requested are not granted to this installation.';

function requireApp(p: Principal): void {
  if (p.kind === 'anonymous') throw requiresAuthentication();
  if (p.kind !== 'app') throw new ForgeError(401, JWT_REQUIRED);
}

function installationFromParam(ctx: ForgeContext, req: FastifyRequest): InstallationRecord {
  const inst = ctx.store.read.installations[(req.params as { id: string }).id];
  if (!inst) throw notFound();
  return inst;
}

/** Requested permissions must be a subset of the installation's (write ⊃ read). */
function narrowPermissions(inst: InstallationRecord, requested: unknown): Record<string, AppPermissionLevel> {
  if (requested === undefined || requested === null) return { ...inst.permissions, metadata: 'read' };
  if (typeof requested !== 'object' || Array.isArray(requested)) {
    throw validationFailed([{ resource: 'InstallationToken', code: 'invalid', field: 'permissions' }]);
  }
  const out: Record<string, AppPermissionLevel> = { metadata: 'read' };
  for (const [name, level] of Object.entries(requested as Record<string, unknown>)) {
    if (level !== 'read' && level !== 'write') throw unprocessable(PERMISSION_NOT_GRANTED);
    const granted = name === 'metadata' ? 'read' : inst.permissions[name];
    if (!granted || (level === 'write' && granted !== 'write')) throw unprocessable(PERMISSION_NOT_GRANTED);
    out[name] = level;
  }
  return out;
}

function narrowRepositories(
  ctx: ForgeContext,
  inst: InstallationRecord,
  body: Record<string, unknown>,
): number[] | null {
  const names = body.repositories;
  const ids = body.repository_ids;
  if (names === undefined && ids === undefined) return null;
  if ((names !== undefined && !Array.isArray(names)) || (ids !== undefined && !Array.isArray(ids))) {
    throw validationFailed([
      {
        resource: 'InstallationToken',
        code: 'invalid',
        field: names !== undefined ? 'repositories' : 'repository_ids',
      },
    ]);
  }
  const covered = installationRepos(ctx.store.read, inst);
  const result = new Set<number>();
  for (const name of (names ?? []) as unknown[]) {
    const repo = typeof name === 'string' ? findRepo(ctx.store.read, inst.accountLogin, name) : null;
    if (!repo || !covered.some((r) => r.id === repo.id)) throw unprocessable(REPO_NOT_IN_INSTALLATION);
    result.add(repo.id);
  }
  for (const id of (ids ?? []) as unknown[]) {
    if (typeof id !== 'number' || !covered.some((r) => r.id === id))
      throw unprocessable(REPO_NOT_IN_INSTALLATION);
    result.add(id);
  }
  if (result.size > 500) throw unprocessable('Too many repositories requested; the maximum is 500.');
  return [...result];
}

export function appRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get('/app', async (req) => {
    requireApp(req.principal);
    return appJson(ctx, ctx.store.read.app!);
  });

  app.get<{ Params: { slug: string } }>('/apps/:slug', async (req) => {
    const a = ctx.store.read.app;
    if (!a || a.slug !== req.params.slug) throw notFound();
    return appJson(ctx, a);
  });

  app.get('/app/installations', async (req, reply) => {
    requireApp(req.principal);
    const all = Object.values(ctx.store.read.installations).sort((a, b) => a.id - b.id);
    return paginate(ctx, req, reply, all).map((i) => installationJson(ctx, i));
  });

  app.get('/app/installations/:id', async (req) => {
    requireApp(req.principal);
    return installationJson(ctx, installationFromParam(ctx, req));
  });

  // Uninstalling (GitHub: 204); the installation's tokens stop working with it.
  app.delete('/app/installations/:id', async (req, reply) => {
    requireApp(req.principal);
    const inst = installationFromParam(ctx, req);
    ctx.store.mutate((state) => {
      delete state.installations[String(inst.id)];
      for (const [hash, rec] of Object.entries(state.tokens))
        if (rec.kind === 'installation' && rec.installationId === inst.id) delete state.tokens[hash];
    });
    reply.code(204);
    return '';
  });

  app.post('/app/installations/:id/access_tokens', async (req, reply) => {
    requireApp(req.principal);
    const inst = installationFromParam(ctx, req);
    const body = bodyObject(req.body);
    const repositoryIds = narrowRepositories(ctx, inst, body);
    const permissions = narrowPermissions(inst, body.permissions);
    const expiresAt = ctx.now() + INSTALLATION_TOKEN_TTL_MS;
    const token = ctx.store.mutate((state) => {
      pruneExpired(state, ctx.now());
      return issueToken(state, {
        kind: 'installation',
        installationId: inst.id,
        repositoryIds,
        permissions,
        expiresAt,
        createdAt: ctx.now(),
      });
    });
    reply.code(201);
    const result: Record<string, unknown> = {
      token,
      expires_at: iso(expiresAt),
      permissions,
      repository_selection: repositoryIds ? 'selected' : inst.repositorySelection,
    };
    if (repositoryIds) {
      result.repositories = repositoryIds.map((id) => repoJson(ctx, ctx.store.read.repos[String(id)]));
    }
    return result;
  });

  app.delete('/installation/token', async (req, reply) => {
    const p = req.principal;
    if (p.kind !== 'installation') throw requiresAuthentication();
    ctx.store.mutate((state) => {
      delete state.tokens[p.scope.slice('token:'.length)];
    });
    reply.code(204);
    return '';
  });

  app.get('/installation/repositories', async (req, reply) => {
    const p = req.principal;
    if (p.kind !== 'installation')
      throw p.kind === 'anonymous'
        ? requiresAuthentication()
        : new ForgeError(
            403,
            'You must authenticate with an installation access token in order to list repositories for an installation.',
          );
    const inst = ctx.store.read.installations[String(p.installationId)];
    const repos = installationRepos(ctx.store.read, inst).filter((r) => tokenInScope(ctx.store.read, p, r));
    const page = paginate(ctx, req, reply, repos);
    return {
      total_count: repos.length,
      repository_selection: p.repositoryIds ? 'selected' : inst.repositorySelection,
      repositories: page.map((r) => repoJson(ctx, r)),
    };
  });

  /** Installations the user can reach: on their own account, or on an organization they belong to. */
  const userInstallations = (login: string) =>
    Object.values(ctx.store.read.installations)
      .filter((i) => {
        const account = findAccount(ctx.store.read, i.accountLogin);
        return (
          i.accountLogin.toLowerCase() === login.toLowerCase() ||
          Boolean(account?.members?.[login.toLowerCase()])
        );
      })
      .sort((a, b) => a.id - b.id);

  app.get('/user/installations', async (req, reply) => {
    const me = requireUser(ctx, req.principal);
    const list = userInstallations(me.login);
    const page = paginate(ctx, req, reply, list);
    return { total_count: list.length, installations: page.map((i) => installationJson(ctx, i)) };
  });

  app.get('/user/installations/:id/repositories', async (req, reply) => {
    const me = requireUser(ctx, req.principal);
    const inst = installationFromParam(ctx, req);
    if (!userInstallations(me.login).some((i) => i.id === inst.id)) throw notFound();
    const repos = installationRepos(ctx.store.read, inst).filter((r) =>
      canAccess(ctx.store.read, req.principal, r, READ_METADATA),
    );
    const page = paginate(ctx, req, reply, repos);
    return {
      total_count: repos.length,
      repository_selection: inst.repositorySelection,
      repositories: page.map((r) => repoJson(ctx, r, req.principal)),
    };
  });

  const installationOf = (login: string | null) => {
    const inst = login ? installationForAccount(ctx.store.read, login) : null;
    if (!inst) throw notFound();
    return installationJson(ctx, inst);
  };
  app.get<{ Params: { owner: string; repo: string } }>('/repos/:owner/:repo/installation', async (req) => {
    requireApp(req.principal);
    const repo = findRepo(ctx.store.read, req.params.owner, req.params.repo);
    const inst = repo ? installationForAccount(ctx.store.read, repo.owner) : null;
    if (!repo || !inst || !installationRepos(ctx.store.read, inst).some((r) => r.id === repo.id))
      throw notFound();
    return installationJson(ctx, inst);
  });
  app.get<{ Params: { username: string } }>('/users/:username/installation', async (req) => {
    requireApp(req.principal);
    return installationOf(req.params.username);
  });
  app.get<{ Params: { org: string } }>('/orgs/:org/installation', async (req) => {
    requireApp(req.principal);
    return installationOf(req.params.org);
  });
}
