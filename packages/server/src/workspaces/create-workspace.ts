import type { Octokit } from '@octokit/rest';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../db/audit.ts';
import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { ProjectsTable, RepoSubmodulesTable, WorkspacesTable } from '../db/schema.ts';
import type { User } from '../db/users.ts';
import { BadRequestError, ConflictError, ForbiddenError, UnprocessableError } from '../errors.ts';
import { orNullOn404 } from '../github/github-errors.ts';
import type { GithubServices } from '../github/github-services.ts';
import { fullName, parseRepoRef, type RepoRef, slugify } from '../github/repo-ref.ts';
import { upstreamReader } from '../github/upstream-reader.ts';
import type { CreateWorkspaceBody } from '../routes/workspaces/schema.ts';
import { ensureCanonicalStructure } from './ensure-structure.ts';
import { findWorkspace } from './workspace-store.ts';

export interface ResolvedComponent {
  path: string;
  ref: RepoRef;
  url: string;
  branch: string | null;
  required: boolean;
  sha: string;
}

/**
 * Creates a workspace: canonical branch `rfe/{slug}` (from the default branch when missing — which needs
 * upstream write), the bootstrap structure and submodules in one commit when missing, then the rows.
 * Everything on the Git host is idempotent, so re-running on a bootstrapped branch changes nothing.
 */
export async function createWorkspace(
  ctx: AppContext,
  github: GithubServices,
  octokit: Octokit,
  actor: User,
  project: ProjectsTable,
  input: CreateWorkspaceBody,
): Promise<WorkspacesTable> {
  const slug = slugify(input.name);
  if (!slug) throw new BadRequestError('name: must contain at least one letter or digit.', { field: 'name' });
  if (await findWorkspace(ctx.db, project.id, slug)) {
    throw new ConflictError(
      `Workspace "${slug}" already exists in project "${project.name}"; choose another name.`,
      { field: 'name', slug },
      'slug_taken',
    );
  }
  const upstream = parseRepoRef(input.upstream, github, 'upstream');
  // The platform reads through the App's installation on the upstream's owner (refused, naming the
  // remedy, when there is none); the user's own token answers whether they may see and write it.
  const reader = await upstreamReader(ctx, upstream.owner, [upstream.repo], actor.subject);
  const repo = await orNullOn404(octokit.rest.repos.get({ ...upstream }));
  if (!repo) {
    throw new UnprocessableError(
      'upstream_not_found',
      `Upstream ${fullName(upstream)} does not exist or your GitHub account cannot read it.`,
      {
        field: 'upstream',
        hint: 'Check the name, and that your linked GitHub account has access to the repository.',
      },
    );
  }
  const canonical = `rfe/${slug}`;
  const canWrite = Boolean(repo.data.permissions?.push);
  const components = await resolveComponents(ctx, github, octokit, actor, input.components ?? []);

  const existing = await orNullOn404(reader.rest.git.getRef({ ...upstream, ref: `heads/${canonical}` }));
  if (!existing) {
    if (!canWrite) {
      throw new ForbiddenError(
        `Branch ${canonical} does not exist on ${fullName(upstream)} and creating it needs write access, which your GitHub account does not have. ` +
          `Ask a maintainer of ${fullName(upstream)} to create ${canonical} from ${repo.data.default_branch}, or to grant you write access, then try again.`,
        { remedy: 'create-branch', branch: canonical, base: repo.data.default_branch },
      );
    }
    const base = await reader.rest.git.getRef({ ...upstream, ref: `heads/${repo.data.default_branch}` });
    await octokit.rest.git.createRef({
      ...upstream,
      ref: `refs/heads/${canonical}`,
      sha: base.data.object.sha,
    });
  }
  const pinned = await ensureCanonicalStructure(
    { read: reader, write: octokit },
    upstream,
    canonical,
    components,
    actor,
    canWrite,
  );

  const row: WorkspacesTable = {
    id: newId(),
    project_id: project.id,
    slug,
    name: input.name,
    upstream_host: github.host,
    upstream_owner: upstream.owner,
    upstream_repo: upstream.repo,
    canonical_branch: canonical,
    feature_slug: input.feature ?? null,
    storage_prefix: '',
    created_by: actor.subject,
    created_at: now(),
  };
  row.storage_prefix = `rfe_workflows/${row.id}/`;
  const submodules: RepoSubmodulesTable[] = pinned.map((m) => ({
    workspace_id: row.id,
    path: m.path,
    url: m.url,
    owner: m.ref?.owner ?? '',
    repo: m.ref?.repo ?? '',
    branch: m.branch,
    required: m.required ? 1 : 0,
    last_resolved_sha: m.sha,
  }));
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('workspaces').values(row).execute();
      if (submodules.length) await trx.insertInto('repo_submodules').values(submodules).execute();
    });
  } catch (err) {
    if (await findWorkspace(ctx.db, project.id, slug)) {
      throw new ConflictError(
        `Workspace "${slug}" already exists in project "${project.name}"; choose another name.`,
        { field: 'name', slug },
        'slug_taken',
      );
    }
    throw err;
  }
  await appendAudit(ctx.db, {
    actor: actor.subject,
    action: 'workspace.create',
    projectId: project.id,
    target: `workspace:${slug}`,
    details: {
      upstream: fullName(upstream),
      canonical,
      components: components.map((c) => fullName(c.ref)),
      createdBranch: !existing,
    },
  });
  return row;
}

async function resolveComponents(
  ctx: AppContext,
  github: GithubServices,
  octokit: Octokit,
  actor: User,
  inputs: NonNullable<CreateWorkspaceBody['components']>,
): Promise<ResolvedComponent[]> {
  const names = new Set<string>();
  const out: ResolvedComponent[] = [];
  for (const [i, c] of inputs.entries()) {
    if (names.has(c.name))
      throw new BadRequestError(`components.${i}.name: "${c.name}" is listed twice.`, {
        field: `components.${i}.name`,
      });
    names.add(c.name);
    const ref = parseRepoRef(c.url, github, `components.${i}.url`);
    const repo = await orNullOn404(octokit.rest.repos.get({ ...ref }));
    if (!repo) {
      throw new UnprocessableError(
        'component_not_found',
        `Component ${c.name} (${fullName(ref)}) does not exist or your GitHub account cannot read it.`,
        {
          field: `components.${i}.url`,
        },
      );
    }
    const branchName = c.branch ?? repo.data.default_branch;
    const reader = await upstreamReader(ctx, ref.owner, [ref.repo], actor.subject);
    const branch = await orNullOn404(reader.rest.repos.getBranch({ ...ref, branch: branchName }));
    if (!branch) {
      throw new UnprocessableError(
        'component_branch_not_found',
        `Branch ${branchName} does not exist on ${fullName(ref)}.`,
        {
          field: `components.${i}.branch`,
        },
      );
    }
    out.push({
      path: `repos/${c.name}`,
      ref,
      url: `${github.webUrl}/${fullName(ref)}.git`,
      branch: c.branch ?? null,
      required: c.required ?? true,
      sha: branch.data.commit.sha,
    });
  }
  return out;
}
