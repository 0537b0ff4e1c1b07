import { callApi } from './api.ts';
import type { E2ePlatform } from './platform.ts';

/**
 * What a test needs in place before it starts, made through the API. Each fixture is made once per platform
 * and remembered, so tests that share a platform may ask for the same one in any order, and a test run
 * alone (`vitest -t`) makes what it needs itself.
 */
const made = new WeakMap<E2ePlatform, Map<string, Promise<unknown>>>();

function once<T>(platform: E2ePlatform, key: string, make: () => Promise<T>): Promise<T> {
  const byKey = made.get(platform) ?? new Map<string, Promise<unknown>>();
  made.set(platform, byKey);
  let value = byKey.get(key) as Promise<T> | undefined;
  if (!value) {
    value = make();
    // A failed fixture is made again by the next test that asks, rather than failing it for another's reason.
    value.catch(() => byKey.delete(key));
    byKey.set(key, value);
  }
  return value;
}

/** Project `acme` ("Acme Platform", managed storage), made by alice, with bob as a viewer. */
export function acmeProject(platform: E2ePlatform): Promise<void> {
  return once(platform, 'project acme', async () => {
    await callApi(platform, 'alice', 'POST', '/api/projects', {
      name: 'acme',
      displayName: 'Acme Platform',
      storage: { kind: 'managed' },
    });
    await callApi(platform, 'alice', 'PUT', '/api/projects/acme/members/bob', { role: 'view' });
  });
}

/** The user's GitHub account linked through the forge's App installation. */
export function githubLinked(platform: E2ePlatform, user: string): Promise<void> {
  return once(platform, `linked ${user}`, async () => {
    const status = await callApi<{ linked: boolean }>(platform, user, 'GET', '/api/github/status');
    if (!status.linked) await platform.link(user);
  });
}

/** The user's fork of an upstream (`owner/name`); its full name. */
export function fork(platform: E2ePlatform, user: string, upstream: string): Promise<string> {
  return once(platform, `fork ${user} ${upstream}`, async () => {
    await githubLinked(platform, user);
    const created = await callApi<{ fullName: string }>(platform, user, 'POST', '/api/github/forks', {
      repo: upstream,
    });
    return created.fullName;
  });
}

/** Workspace "Checkout Flow" (`checkout-flow`) in acme on acme/umbrella, with api (required) and web. */
export function checkoutWorkspace(platform: E2ePlatform): Promise<void> {
  return once(platform, 'workspace checkout-flow', async () => {
    await acmeProject(platform);
    await githubLinked(platform, 'alice');
    await callApi(platform, 'alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'Checkout Flow',
      upstream: 'acme/umbrella',
      components: [
        { name: 'api', url: 'acme/api' },
        { name: 'web', url: 'acme/web', required: false },
      ],
    });
  });
}

export interface FinishedSession {
  id: string;
  /** The session page's path. */
  path: string;
  /** The last seq in its log. */
  lastSeq: number;
}

/** Changes the umbrella and repos/api, so a finished session has two pull requests. */
export const twoRepoPrompt = [
  'echo start',
  'sleep 1',
  'echo hello >> README.md',
  'echo api >> repos/api/README.md',
].join('\n');

/** A localexec session of alice's in checkout-flow that changed two repositories, ended with both PRs open. */
export function sessionWithTwoPullRequests(platform: E2ePlatform): Promise<FinishedSession> {
  return once(platform, 'session with two PRs', async () => {
    await checkoutWorkspace(platform);
    const fullName = await fork(platform, 'alice', 'acme/umbrella');
    const api = <T>(method: string, path: string, body?: unknown) =>
      callApi<T>(platform, 'alice', method, path, body);
    const { id } = await api<{ id: string }>('POST', '/api/projects/acme/workspaces/checkout-flow/sessions', {
      adapter: 'localexec',
      prompt: twoRepoPrompt,
      fork: fullName,
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await api<{ status: string; error: string | null; pullRequests: unknown[] }>(
        'GET',
        `/api/projects/acme/sessions/${id}`,
      );
      if (s.status === 'succeeded' && s.pullRequests.length === 2) break;
      if (s.status === 'failed' || s.status === 'cancelled')
        throw new Error(`the fixture session ended ${s.status}: ${s.error}`);
      if (Date.now() > deadline)
        throw new Error(`the fixture session is ${s.status} with ${s.pullRequests.length} PRs after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const { lastSeq } = await api<{ lastSeq: number }>(
      'GET',
      `/api/projects/acme/sessions/${id}/messages?limit=1`,
    );
    return { id, path: `/projects/acme/sessions/${id}`, lastSeq };
  });
}
