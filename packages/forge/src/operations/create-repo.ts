import { rm } from 'node:fs/promises';
import type { ForgeContext } from '../context.ts';
import { initBare } from '../git/write.ts';
import { validationFailed } from '../http/errors.ts';
import type { AccountRecord, RepoRecord } from '../state/model.ts';
import { findRepo, iso, repoGitDir, VALID_NAME } from '../state/queries.ts';
import type { RepoPermission } from '../types.ts';
import { writeCommit } from './write-commit.ts';

export interface CreateRepoInput {
  owner: AccountRecord;
  name: string;
  private?: boolean;
  description?: string | null;
  defaultBranch?: string;
  autoInit?: boolean;
  collaborators?: Record<string, RepoPermission | 'none'>;
  allowMergeCommit?: boolean;
  allowSquashMerge?: boolean;
  allowRebaseMerge?: boolean;
  deleteBranchOnMerge?: boolean;
}

export function assertRepoNameFree(ctx: ForgeContext, owner: string, name: string): void {
  if (!VALID_NAME.test(name) || name === '.' || name === '..' || name.toLowerCase().endsWith('.git')) {
    throw validationFailed(
      [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name is invalid' }],
      'Repository creation failed.',
    );
  }
  if (findRepo(ctx.store.read, owner, name)) {
    throw validationFailed(
      [
        {
          resource: 'Repository',
          code: 'custom',
          field: 'name',
          message: 'name already exists on this account',
        },
      ],
      'Repository creation failed.',
    );
  }
}

/** Creates the bare repository, then records it; an interrupted creation leaves at worst an unused directory. */
export async function createRepository(ctx: ForgeContext, input: CreateRepoInput): Promise<RepoRecord> {
  assertRepoNameFree(ctx, input.owner.login, input.name);
  const defaultBranch = input.defaultBranch ?? 'main';
  const gitDir = repoGitDir(ctx.reposDir, { owner: input.owner.login, name: input.name });
  await rm(gitDir, { recursive: true, force: true });
  await initBare(gitDir, defaultBranch);
  const repo = ctx.store.mutate((state) => {
    const now = iso(ctx.now());
    const record: RepoRecord = {
      id: ctx.store.nextId(state),
      owner: input.owner.login,
      name: input.name,
      private: input.private ?? false,
      description: input.description ?? null,
      defaultBranch,
      fork: false,
      parentId: null,
      sourceId: null,
      allowMergeCommit: input.allowMergeCommit ?? true,
      allowSquashMerge: input.allowSquashMerge ?? true,
      allowRebaseMerge: input.allowRebaseMerge ?? true,
      deleteBranchOnMerge: input.deleteBranchOnMerge ?? false,
      collaborators: Object.fromEntries(
        Object.entries(input.collaborators ?? {}).map(([login, perm]) => [login.toLowerCase(), perm]),
      ),
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      nextNumber: 1,
    };
    state.repos[String(record.id)] = record;
    return record;
  });
  if (input.autoInit) {
    const body = input.description ? `# ${input.name}\n${input.description}\n` : `# ${input.name}\n`;
    await writeCommit(ctx, repo, {
      branch: defaultBranch,
      files: { 'README.md': body },
      message: 'Initial commit',
      author: {
        name: input.owner.login,
        email: `${input.owner.id}+${input.owner.login}@users.noreply.github.com`,
      },
    });
  }
  return repo;
}
