import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { GithubSettings } from './github-services.ts';

/** Octokit's log, routed to ours at debug level (it never includes credentials). */
function octokitLog(logger?: Logger) {
  const noop = () => {};
  if (!logger) return { debug: noop, info: noop, warn: noop, error: noop };
  const child = logger.child({ component: 'octokit' });
  return {
    debug: (m: string) => child.debug(m),
    info: (m: string) => child.debug(m),
    warn: (m: string) => child.warn(m),
    error: (m: string) => child.error(m),
  };
}

/** Acting as the App itself (JWT): only for minting installation tokens. */
export function appOctokit(settings: GithubSettings, logger?: Logger): Octokit {
  return new Octokit({
    baseUrl: settings.apiUrl,
    authStrategy: createAppAuth,
    auth: { appId: settings.app.id, privateKey: settings.app.privateKeyPem },
    log: octokitLog(logger),
  });
}

/** Status and GitHub's message of a failed request; never the request (its headers carry the credential). */
export function describeGithubError(err: unknown): { status: number | undefined; message: string } {
  const e = err as { status?: number; response?: { data?: { message?: string } }; message?: string };
  return { status: e.status, message: e.response?.data?.message ?? e.message ?? 'unknown error' };
}
