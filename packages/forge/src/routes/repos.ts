import type { FastifyInstance } from 'fastify';
import type { ForgeContext } from '../context.ts';
import { branchSha } from '../git/read.ts';
import { setHead } from '../git/write.ts';
import {
  bodyObject,
  ForgeError,
  notAccessibleByIntegration,
  notFound,
  optionalBoolean,
  optionalString,
  requireString,
  validationFailed,
} from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { createRepository } from '../operations/create-repo.ts';
import { forkRepository } from '../operations/fork-repo.ts';
import {
  ADMINISTER,
  canAccess,
  permissionFlags,
  READ_CONTENTS,
  READ_METADATA,
  userRole,
} from '../policies/repo-access.ts';
import { fullRepoJson, repoJson } from '../presenters/repository.ts';
import { simpleUser } from '../presenters/user.ts';
import type { AccountRecord, RepoRecord } from '../state/model.ts';
import {
  findAccount,
  forksOf,
  installationForAccount,
  iso,
  tokenInScopeOfAccount,
} from '../state/queries.ts';
import { repoFromRequest, requireUser } from './helpers.ts';

/** GitHub adds a repository created through the App to an installation limited to selected repositories. */
function addToSelectedInstallation(ctx: ForgeContext, repo: RepoRecord): void {
  const inst = installationForAccount(ctx.store.read, repo.owner);
  if (inst?.repositorySelection !== 'selected' || inst.repositoryIds.includes(repo.id)) return;
  ctx.store.mutate((state) => {
    state.installations[String(inst.id)].repositoryIds.push(repo.id);
  });
}

export function repoRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get('/repos/:owner/:repo', async (req) => {
    const { repo } = repoFromRequest(ctx, req, READ_METADATA);
    return fullRepoJson(ctx, repo, req.principal);
  });

  app.post('/user/repos', async (req, reply) => {
    const me = requireUser(ctx, req.principal);
    const body = bodyObject(req.body);
    const repo = await createRepository(ctx, {
      owner: me,
      name: requireString(body, 'name', 'Repository'),
      private: optionalBoolean(body, 'private', 'Repository'),
      description: optionalString(body, 'description', 'Repository'),
      autoInit: optionalBoolean(body, 'auto_init', 'Repository'),
      allowMergeCommit: optionalBoolean(body, 'allow_merge_commit', 'Repository'),
      allowSquashMerge: optionalBoolean(body, 'allow_squash_merge', 'Repository'),
      allowRebaseMerge: optionalBoolean(body, 'allow_rebase_merge', 'Repository'),
    });
    reply.code(201);
    return fullRepoJson(ctx, repo, req.principal);
  });

  app.post<{ Params: { org: string } }>('/orgs/:org/repos', async (req, reply) => {
    const org = findAccount(ctx.store.read, req.params.org);
    if (org?.type !== 'Organization') throw notFound();
    const p = req.principal;
    if (p.kind === 'user') {
      const role = org.members?.[p.login.toLowerCase()];
      if (role !== 'admin' && role !== 'write')
        throw new ForgeError(
          403,
          'You need admin access to the organization before adding a repository to it.',
        );
    } else if (p.kind === 'installation') {
      const inst = installationForAccount(ctx.store.read, org.login);
      if (!inst || inst.id !== p.installationId || p.permissions.administration !== 'write')
        throw notAccessibleByIntegration();
    } else {
      requireUser(ctx, p);
    }
    const body = bodyObject(req.body);
    const repo = await createRepository(ctx, {
      owner: org,
      name: requireString(body, 'name', 'Repository'),
      private:
        optionalBoolean(body, 'private', 'Repository') ??
        (optionalString(body, 'visibility', 'Repository') === 'private' ? true : undefined),
      description: optionalString(body, 'description', 'Repository'),
      autoInit: optionalBoolean(body, 'auto_init', 'Repository'),
      allowMergeCommit: optionalBoolean(body, 'allow_merge_commit', 'Repository'),
      allowSquashMerge: optionalBoolean(body, 'allow_squash_merge', 'Repository'),
      allowRebaseMerge: optionalBoolean(body, 'allow_rebase_merge', 'Repository'),
    });
    reply.code(201);
    return fullRepoJson(ctx, repo, req.principal);
  });

  app.patch('/repos/:owner/:repo', async (req) => {
    const { repo, gitDir } = repoFromRequest(ctx, req, ADMINISTER);
    const body = bodyObject(req.body);
    const next = {
      description: optionalString(body, 'description', 'Repository'),
      private: optionalBoolean(body, 'private', 'Repository'),
      defaultBranch: optionalString(body, 'default_branch', 'Repository'),
      allowMergeCommit: optionalBoolean(body, 'allow_merge_commit', 'Repository'),
      allowSquashMerge: optionalBoolean(body, 'allow_squash_merge', 'Repository'),
      allowRebaseMerge: optionalBoolean(body, 'allow_rebase_merge', 'Repository'),
      deleteBranchOnMerge: optionalBoolean(body, 'delete_branch_on_merge', 'Repository'),
    };
    const name = optionalString(body, 'name', 'Repository');
    if (name !== undefined && name !== repo.name) {
      throw validationFailed([
        {
          resource: 'Repository',
          code: 'custom',
          field: 'name',
          message: 'renaming is not supported by the forge',
        },
      ]);
    }
    if (next.defaultBranch !== undefined && next.defaultBranch !== repo.defaultBranch) {
      if (!(await branchSha(gitDir, next.defaultBranch))) {
        throw validationFailed([{ resource: 'Repository', code: 'invalid', field: 'default_branch' }]);
      }
      await setHead(gitDir, next.defaultBranch);
    }
    const merge = next.allowMergeCommit ?? repo.allowMergeCommit;
    const squash = next.allowSquashMerge ?? repo.allowSquashMerge;
    const rebase = next.allowRebaseMerge ?? repo.allowRebaseMerge;
    if (!merge && !squash && !rebase) {
      throw validationFailed(
        [{ resource: 'Repository', code: 'no_merge_method', field: 'merge_method' }],
        'Sorry, you need to allow at least one merge strategy. (no_merge_method)',
      );
    }
    const updated = ctx.store.mutate((state) => {
      const r = state.repos[String(repo.id)];
      if (next.description !== undefined) r.description = next.description;
      if (next.private !== undefined) r.private = next.private;
      if (next.defaultBranch !== undefined) r.defaultBranch = next.defaultBranch;
      r.allowMergeCommit = merge;
      r.allowSquashMerge = squash;
      r.allowRebaseMerge = rebase;
      if (next.deleteBranchOnMerge !== undefined) r.deleteBranchOnMerge = next.deleteBranchOnMerge;
      r.updatedAt = iso(ctx.now());
      return r;
    });
    return fullRepoJson(ctx, updated, req.principal);
  });

  app.post('/repos/:owner/:repo/forks', async (req, reply) => {
    const { repo } = repoFromRequest(ctx, req, READ_CONTENTS);
    const body = bodyObject(req.body);
    const orgName = optionalString(body, 'organization', 'Fork');
    const p = req.principal;
    let owner: AccountRecord | null | undefined;
    if (p.kind === 'installation') {
      const inst = ctx.store.read.installations[String(p.installationId)];
      owner = inst && findAccount(ctx.store.read, orgName ?? inst.accountLogin);
      if (!owner || !tokenInScopeOfAccount(inst, owner.login) || p.permissions.administration !== 'write')
        throw notAccessibleByIntegration();
    } else {
      const me = requireUser(ctx, p);
      owner = orgName ? findAccount(ctx.store.read, orgName) : me;
      if (!owner) throw validationFailed([{ resource: 'Fork', code: 'invalid', field: 'organization' }]);
      if (owner.type === 'Organization' && !owner.members?.[me.login.toLowerCase()])
        throw new ForgeError(403, 'You do not have permission to create a fork in this organization.');
      // A user access token creates repositories only where the App is installed (administration: write).
      if (p.kind === 'user' && p.via === 'oauth') {
        const target = installationForAccount(ctx.store.read, owner.login);
        if (target?.permissions.administration !== 'write') throw notAccessibleByIntegration();
      }
    }
    const fork = await forkRepository(ctx, repo, owner, {
      name: optionalString(body, 'name', 'Fork'),
      defaultBranchOnly: optionalBoolean(body, 'default_branch_only', 'Fork'),
    });
    if (p.kind === 'installation' || (p.kind === 'user' && p.via === 'oauth'))
      addToSelectedInstallation(ctx, fork);
    reply.code(202);
    return fullRepoJson(ctx, fork, p);
  });

  app.get('/repos/:owner/:repo/forks', async (req, reply) => {
    const { repo } = repoFromRequest(ctx, req, READ_METADATA);
    const state = ctx.store.read;
    const forks = forksOf(state, repo).filter((f) => canAccess(state, req.principal, f, READ_METADATA));
    return paginate(ctx, req, reply, forks.reverse()).map((f) => repoJson(ctx, f, req.principal));
  });

  app.get<{ Params: { owner: string; repo: string; username: string } }>(
    '/repos/:owner/:repo/collaborators/:username/permission',
    async (req) => {
      const { repo } = repoFromRequest(ctx, req, READ_METADATA);
      const user = findAccount(ctx.store.read, req.params.username);
      if (user?.type !== 'User') throw notFound();
      const role = userRole(ctx.store.read, user.login, repo);
      const legacy =
        role === 'admin'
          ? 'admin'
          : role === 'write' || role === 'maintain'
            ? 'write'
            : role
              ? 'read'
              : 'none';
      return {
        permission: legacy,
        role_name: role ?? 'none',
        user: { ...simpleUser(ctx, user), permissions: permissionFlags(role), role_name: role ?? 'none' },
      };
    },
  );
}
