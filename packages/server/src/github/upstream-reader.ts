import { createAppAuth } from '@octokit/auth-app';
import type { Octokit } from '@octokit/rest';
import type { AppContext } from '../context.ts';
import { AppError, UpstreamError } from '../errors.ts';
import { httpStatus } from './github-errors.ts';
import { type GithubServices, requireGithub } from './github-services.ts';
import { describeGithubError } from './octokit.ts';
import type { RepoRef } from './repo-ref.ts';

/**
 * Reading upstream repositories as the platform: through the App's installation on the upstream's owner
 * (e.g. the `acme` organization), with a token narrowed to the repositories read and to read permissions.
 * GitHub gives a user access token only what both the user and the App can reach, so without that
 * installation nothing private of the owner is readable at all — the platform says so, naming the remedy.
 * The user's own access is still checked with the user's token where a person's view matters.
 */

const READ_PERMISSIONS = { contents: 'read', metadata: 'read', pull_requests: 'read' } as const;
/** A reader is reused until this long before its token expires. */
const REUSE_MARGIN_MS = 15 * 60_000;

interface CachedReader {
  octokit: Octokit;
  expiresAt: number;
}
const readers = new WeakMap<GithubServices, Map<string, CachedReader>>();
const apps = new WeakMap<GithubServices, Octokit>();

export const installAppUrl = (github: GithubServices): string =>
  `${github.webUrl}/apps/${github.app.slug}/installations/new`;

/** The refusal when the App is not installed where an upstream lives. */
export function appNotInstalled(github: GithubServices, ref: RepoRef): AppError {
  const url = installAppUrl(github);
  return new AppError(
    422,
    'app_not_installed',
    `The GitHub App is not installed on ${ref.owner} (or not for ${ref.owner}/${ref.repo}), so the platform cannot read ${ref.owner}/${ref.repo}. Install the GitHub App on ${ref.owner}: ${url}`,
    { owner: ref.owner, repo: `${ref.owner}/${ref.repo}`, installUrl: url, remedy: 'install-app' },
  );
}

/**
 * The installation of the App that covers `ref` (GET /repos/{owner}/{repo}/installation, as the App), asked
 * every time: an uninstall must be refused at once with the remedy, not met as a dead token.
 */
export const upstreamInstallationId = (github: GithubServices, ref: RepoRef): Promise<number> =>
  lookUpInstallationId(github, ref);

async function lookUpInstallationId(github: GithubServices, ref: RepoRef): Promise<number> {
  let app = apps.get(github);
  if (!app) {
    // Through the shared client layer: retries on 5xx and secondary rate limits like every other read.
    app = github.client.octokit(
      { scope: `app:${github.app.id}`, kind: 'app' },
      { authStrategy: createAppAuth, auth: { appId: github.app.id, privateKey: github.app.privateKeyPem } },
    );
    apps.set(github, app);
  }
  try {
    const { data } = await app.rest.apps.getRepoInstallation({ owner: ref.owner, repo: ref.repo });
    return data.id;
  } catch (err) {
    if (httpStatus(err) === 404) {
      if (await installedOnAccount(app, ref.owner)) {
        throw new AppError(
          422,
          'upstream_not_found',
          `${ref.owner}/${ref.repo} does not exist, or the GitHub App's installation on ${ref.owner} does not include it; check the name, or add the repository to the installation: ${installAppUrl(github)}`,
          { repo: `${ref.owner}/${ref.repo}`, installUrl: installAppUrl(github) },
        );
      }
      throw appNotInstalled(github, ref);
    }
    const { status, message } = describeGithubError(err);
    throw new UpstreamError(
      'github_unreachable',
      `Could not look up the GitHub App's installation for ${ref.owner}/${ref.repo} (${status ?? 'no answer'}): ${message}`,
    );
  }
}

/** Whether the App is installed on the account at all (organization or user). */
async function installedOnAccount(app: Octokit, owner: string): Promise<boolean> {
  for (const probe of [
    () => app.rest.apps.getOrgInstallation({ org: owner }),
    () => app.rest.apps.getUserInstallation({ username: owner }),
  ]) {
    try {
      await probe();
      return true;
    } catch (err) {
      if (httpStatus(err) !== 404) throw err;
    }
  }
  return false;
}

/**
 * An Octokit reading `repositories` (names within `owner`) through the installation on `owner`; refused
 * with `app_not_installed` (422, naming the install URL) when the App is not installed there.
 */
export async function upstreamReader(
  ctx: AppContext,
  owner: string,
  repositories: string[],
  actor: string,
): Promise<Octokit> {
  const github = requireGithub(ctx);
  const names = [...new Set(repositories)].sort();
  const installationId = await upstreamInstallationId(github, { owner, repo: names[0]! });
  const key = JSON.stringify([installationId, names]);
  let cache = readers.get(github);
  if (!cache) {
    cache = new Map();
    readers.set(github, cache);
  }
  const hit = cache.get(key);
  if (hit && hit.expiresAt - Date.now() > REUSE_MARGIN_MS) return hit.octokit;
  // The broker retries a mint GitHub refuses transiently (retry-token-mint.ts).
  const minted = await github.broker.mintInstallationToken({
    installationId,
    repositories: names,
    permissions: { ...READ_PERMISSIONS },
    purpose: 'upstream.read',
    actor,
  });
  const octokit = github.client.octokit({
    token: minted.token,
    scope: `installation:${key}`,
    kind: 'installation',
  });
  cache.set(key, { octokit, expiresAt: Date.parse(minted.expiresAt) });
  return octokit;
}
