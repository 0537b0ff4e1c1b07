import type { Octokit } from '@octokit/rest';
import type { RepoSubmodulesTable, WorkspacesTable } from '../db/schema.ts';
import { ForbiddenError, UnprocessableError } from '../errors.ts';
import { allInOrder } from '../github/all-in-order.ts';
import { orNullOn404 } from '../github/github-errors.ts';
import { ensureFork } from './ensure-fork.ts';

/** Where the session branch of one repository goes (the runner's RFE_OUTPUT entry). */
export interface PushTarget {
  pushUrl: string;
  forkFullName?: string;
  base: string;
  directPush: boolean;
}

export interface SkippedSubmodule {
  path: string;
  repo: string;
  reason: string;
}

export interface SessionTargets {
  /** upstream owner/name → push target, for the umbrella and every readable submodule. */
  targets: Record<string, PushTarget>;
  skipped: SkippedSubmodule[];
  /** Repositories in the user's account the installation token must reach (their forks). */
  forkNames: string[];
}

export interface TargetRequest {
  fork?: string;
  createFork?: boolean;
  directPush?: boolean;
  inputBranch: string;
}

/**
 * Checks everything a session needs before launch and decides, per repository, where its branch is pushed:
 * the user's fork (forked when missing) or, when chosen and allowed, the upstream itself. The user's token
 * (`octokit`) answers what the user may read, write and fork; `reader` is the installation on the upstream's
 * owner, through which the platform reads the upstream itself. An inaccessible
 * required submodule fails here naming it; an optional one is skipped and reported.
 *
 * Two phases, each one round of requests at once (a session start waited for them one by one): every read
 * check first, so nothing is forked for a session that is then refused; then the forks. Errors are those
 * of the first failing check in the order umbrella, input branch, direct push, fork, submodules.
 */
export async function resolveSessionTargets(
  octokit: Octokit,
  reader: Octokit,
  login: string,
  webUrl: string,
  ws: WorkspacesTable,
  submodules: RepoSubmodulesTable[],
  req: TargetRequest,
): Promise<SessionTargets> {
  const upstream = { owner: ws.upstream_owner, repo: ws.upstream_repo };
  const umbrellaName = `${upstream.owner}/${upstream.repo}`;
  const needsExistingFork = !req.directPush && !req.fork && !req.createFork;
  const reads = {
    umbrella: orNullOn404(octokit.rest.repos.get(upstream)),
    input: orNullOn404(reader.rest.repos.getBranch({ ...upstream, branch: req.inputBranch })),
    existingFork: needsExistingFork
      ? orNullOn404(octokit.rest.repos.get({ owner: login, repo: upstream.repo }))
      : Promise.resolve(null),
    submodules: submodules.map((m) =>
      m.owner ? orNullOn404(octokit.rest.repos.get({ owner: m.owner, repo: m.repo })) : Promise.resolve(null),
    ),
  };
  await allInOrder<unknown>([reads.umbrella, reads.input, reads.existingFork, ...reads.submodules]);
  const [umbrella, input, existingFork, submoduleRepos] = [
    await reads.umbrella,
    await reads.input,
    await reads.existingFork,
    await Promise.all(reads.submodules),
  ];
  if (!umbrella) {
    throw new UnprocessableError(
      'input_repo_inaccessible',
      `Your GitHub account cannot read ${umbrellaName}; ask for access or re-link GitHub.`,
    );
  }
  if (!input) {
    throw new UnprocessableError(
      'input_branch_not_found',
      `Branch ${req.inputBranch} does not exist on ${umbrellaName}. Pick an existing input branch (the canonical branch is ${ws.canonical_branch}).`,
      {
        field: 'inputBranch',
      },
    );
  }
  if (req.directPush && !umbrella.data.permissions?.push) {
    throw new ForbiddenError(
      `Direct push needs write access to ${umbrellaName}, which your GitHub account does not have; use the pull request flow.`,
      {
        field: 'directPush',
      },
    );
  }
  if (needsExistingFork && !existingFork?.data.fork) {
    throw new UnprocessableError(
      'fork_required',
      `You have no fork of ${umbrellaName}. Choose a fork, or start with createFork: true to create ${login}/${upstream.repo}.`,
      {
        field: 'fork',
      },
    );
  }

  const skipped: SkippedSubmodule[] = [];
  /** upstream name → its target, or how to get its fork; in the umbrella-then-submodules order. */
  const planned: [
    string,
    PushTarget | { fork: { owner: string; repo: string }; base: string; named?: string },
  ][] = [];
  if (req.directPush) {
    planned.push([
      umbrellaName,
      { pushUrl: `${webUrl}/${umbrellaName}.git`, base: req.inputBranch, directPush: true },
    ]);
  } else {
    planned.push([umbrellaName, { fork: upstream, base: req.inputBranch, named: req.fork }]);
  }
  submodules.forEach((m, i) => {
    const name = `${m.owner}/${m.repo}`;
    const repo = submoduleRepos[i];
    if (!repo) {
      if (m.required) {
        throw new UnprocessableError(
          'submodule_inaccessible',
          `Required submodule ${m.path} (${name}) is not accessible to your GitHub account. Ask for read access to ${name}, or have an admin mark it optional.`,
          {
            submodule: m.path,
            repo: name,
          },
        );
      }
      skipped.push({ path: m.path, repo: name, reason: `your GitHub account cannot read ${name}` });
      return;
    }
    const base = m.branch ?? repo.data.default_branch;
    planned.push([
      name,
      req.directPush && repo.data.permissions?.push
        ? { pushUrl: `${webUrl}/${name}.git`, base, directPush: true }
        : { fork: { owner: m.owner, repo: m.repo }, base },
    ]);
  });

  const resolved = await allInOrder(
    planned.map(async ([name, plan]): Promise<[string, PushTarget, string | undefined]> => {
      if (!('fork' in plan)) return [name, plan, undefined];
      const fork = await ensureFork(octokit, plan.fork, login, plan.named);
      const target = {
        pushUrl: `${webUrl}/${fork.fullName}.git`,
        forkFullName: fork.fullName,
        base: plan.base,
        directPush: false,
      };
      return [name, target, fork.repo];
    }),
  );
  return {
    targets: Object.fromEntries(resolved.map(([name, target]) => [name, target])),
    skipped,
    forkNames: resolved.flatMap(([, , fork]) => (fork ? [fork] : [])),
  };
}
