import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunError } from '../errors.ts';
import type { SubmoduleRequirement } from '../settings.ts';
import type { Reporter } from '../shell/reporter.ts';
import { type Git, GitError } from './git.ts';
import { displayUrl, repoFullNameFromUrl } from './repo-url.ts';
import { type DeclaredSubmodule, readDeclaredSubmodules } from './submodules.ts';
import { relativeToWorkspace } from './workspace-paths.ts';

export interface ClonedSubmodule {
  path: string;
  url: string;
  /** Upstream `owner/name`. */
  repo: string;
  required: boolean;
  /** The commit the umbrella pins, checked out at clone time. */
  baseSha: string;
}

export interface SkippedSubmodule {
  path: string;
  repo: string;
  reason: string;
}

/** The umbrella work tree as cloned, before the adapter touched it. */
export interface Workspace {
  root: string;
  repo: string;
  branch: string;
  baseSha: string;
  submodules: ClonedSubmodule[];
  skipped: SkippedSubmodule[];
}

export interface CloneRequest {
  url: string;
  repo: string;
  branch: string;
  requirements: readonly SubmoduleRequirement[];
}

/**
 * Clones the input branch, then each submodule on its own (not `--recurse-submodules`, which is all or
 * nothing): a required submodule that cannot be cloned fails the run naming it; an optional one is
 * skipped with a warning and listed in `skipped`.
 */
export async function cloneWorkspace(
  git: Git,
  root: string,
  request: CloneRequest,
  report: Reporter,
): Promise<Workspace> {
  await rm(root, { recursive: true, force: true });
  try {
    await git.run(join(root, '..'), ['clone', '--branch', request.branch, '--', request.url, root], {
      urls: [request.url],
    });
  } catch (error) {
    throw cloneFailure(error, request, root);
  }
  const baseSha = await git.output(root, ['rev-parse', 'HEAD']);
  const declared = await readDeclaredSubmodules(git, root);
  checkRequirements(declared, request);
  report.gitEvent(
    'clone',
    request.repo,
    request.branch,
    `${baseSha.slice(0, 12)}; ${declared.length} submodule(s)`,
  );

  const required = new Set(request.requirements.filter((r) => r.required).map((r) => r.path));
  // Required ones first, so a run that cannot start fails before cloning anything optional.
  const ordered = [...declared].sort((a, b) => Number(required.has(b.path)) - Number(required.has(a.path)));
  const submodules: ClonedSubmodule[] = [];
  const skipped: SkippedSubmodule[] = [];
  for (const submodule of ordered) {
    const repo = repoFullNameFromUrl(submodule.url) ?? submodule.path;
    const isRequired = required.has(submodule.path);
    const update = await git.run(root, ['submodule', 'update', '--', submodule.path], {
      urls: [submodule.url],
      allowFailure: true,
    });
    if (update.code !== 0) {
      const reason = relativeToWorkspace(new GitError(['submodule'], update).reason, root);
      if (isRequired) {
        throw new RunError(
          'submodule_inaccessible',
          `Required submodule ${submodule.path} (${repo}) cannot be cloned: ${reason}. ` +
            `Ask for read access to ${repo} (and for the GitHub App to be installed on it), or make the submodule optional.`,
        );
      }
      await forgetSubmodule(git, root, submodule);
      skipped.push({ path: submodule.path, repo, reason });
      report.log(`Skipped optional submodule ${submodule.path} (${repo}): ${reason}`, 'warn');
      continue;
    }
    const sha = await git.output(join(root, submodule.path), ['rev-parse', 'HEAD']);
    submodules.push({ path: submodule.path, url: submodule.url, repo, required: isRequired, baseSha: sha });
    report.gitEvent('clone', repo, submodule.branch ?? 'HEAD', `${submodule.path} at ${sha.slice(0, 12)}`);
  }
  if (skipped.length > 0) {
    report.log(`skippedSubmodules: ${skipped.map((s) => s.path).join(', ')}`, 'warn');
  }
  return { root, repo: request.repo, branch: request.branch, baseSha, submodules, skipped };
}

function checkRequirements(declared: DeclaredSubmodule[], request: CloneRequest): void {
  const paths = new Set(declared.map((d) => d.path));
  for (const requirement of request.requirements) {
    if (requirement.required && !paths.has(requirement.path)) {
      throw new RunError(
        'submodule_inaccessible',
        `Required submodule ${requirement.path} is not declared in .gitmodules on ${request.repo}@${request.branch}. ` +
          'Add it to the workspace again or remove it from the required submodules.',
      );
    }
  }
}

/** Leaves a submodule that failed to clone as if it had never been initialised. */
async function forgetSubmodule(git: Git, root: string, submodule: DeclaredSubmodule): Promise<void> {
  await git.run(root, ['submodule', 'deinit', '--force', '--', submodule.path], { allowFailure: true });
  await rm(join(root, '.git', 'modules', submodule.name), { recursive: true, force: true });
}

function cloneFailure(error: unknown, request: CloneRequest, root: string): RunError {
  if (!(error instanceof GitError))
    return new RunError('input_inaccessible', String(error), { cause: error });
  const where = `${request.repo} (${displayUrl(request.url)})`;
  if (/Remote branch .* not found/i.test(error.result.stderr)) {
    return new RunError(
      'input_branch_missing',
      `The input branch ${request.branch} does not exist in ${where}. Create it (workspace creation makes rfe/{slug}) or choose an existing input branch.`,
    );
  }
  return new RunError(
    'input_inaccessible',
    `Could not clone ${where}: ${relativeToWorkspace(error.reason, root)}. Check that the repository exists and that the session's token can read it (is the GitHub App installed on it?).`,
  );
}
