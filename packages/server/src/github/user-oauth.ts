import { UpstreamError } from '../errors.ts';
import type { GithubSettings } from './github-services.ts';

export interface UserTokens {
  accessToken: string;
  /** ms since epoch; undefined when the host issues non-expiring user tokens. */
  expiresAt: number | undefined;
  refreshToken: string | undefined;
  refreshExpiresAt: number | undefined;
}

export class OAuthGrantError extends Error {
  constructor(
    readonly error: string,
    description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

/** The App's user authorization: trade the code GitHub sent back for a user access token. */
export function exchangeCode(settings: GithubSettings, code: string, now = Date.now()): Promise<UserTokens> {
  return tokenRequest(settings, { code }, now);
}

/** A fresh user access token; GitHub rotates the refresh token, so the returned one replaces the old. */
export function refreshUserTokens(
  settings: GithubSettings,
  refreshToken: string,
  now = Date.now(),
): Promise<UserTokens> {
  return tokenRequest(settings, { grant_type: 'refresh_token', refresh_token: refreshToken }, now);
}

async function tokenRequest(
  settings: GithubSettings,
  grant: Record<string, string>,
  now: number,
): Promise<UserTokens> {
  let body: Record<string, unknown>;
  try {
    const res = await fetch(new URL('/login/oauth/access_token', settings.webUrl), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: settings.app.clientId,
        client_secret: settings.app.clientSecret,
        ...grant,
      }),
    });
    body = (await res.json()) as Record<string, unknown>;
  } catch (err) {
    throw new UpstreamError(
      'github_unreachable',
      `GitHub's token endpoint could not be reached: ${(err as Error).message}`,
    );
  }
  if (typeof body.access_token !== 'string') {
    throw new OAuthGrantError(
      String(body.error ?? 'unknown_error'),
      String(body.error_description ?? 'no access token returned'),
    );
  }
  const seconds = (v: unknown) => (typeof v === 'number' ? now + v * 1000 : undefined);
  return {
    accessToken: body.access_token,
    expiresAt: seconds(body.expires_in),
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    refreshExpiresAt: seconds(body.refresh_token_expires_in),
  };
}
