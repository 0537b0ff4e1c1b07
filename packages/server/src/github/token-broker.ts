import type { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { SecretBox } from '../crypto/secret-box.ts';
import { appendAudit } from '../db/audit.ts';
import type { Db } from '../db/database.ts';
import { findGithubLink, updateGithubRefreshToken } from '../db/github-links.ts';
import { findUserById } from '../db/users.ts';
import { BadRequestError, ConflictError, UnprocessableError, UpstreamError } from '../errors.ts';
import type { GithubSettings } from './github-services.ts';
import { appOctokit, describeGithubError } from './octokit.ts';
import { retryTokenMint } from './retry-token-mint.ts';
import { SingleFlight } from './single-flight.ts';
import { OAuthGrantError, refreshUserTokens } from './user-oauth.ts';

/** The installation permissions the platform ever asks for; workflows only when a push touches them. */
export type InstallationPermission = 'contents' | 'pull_requests' | 'workflows' | 'metadata';
export type PermissionLevel = 'read' | 'write';

export interface MintRequest {
  installationId: number;
  /** Repository names within the installation's account (GitHub's `repositories`), 1 to 500. */
  repositories: string[];
  permissions: Partial<Record<InstallationPermission, PermissionLevel>>;
  /** Why the token is needed, for the audit log (e.g. "session.push"). */
  purpose: string;
  /** Who it is for: a user subject, or "system". */
  actor: string;
  sessionId?: string;
  projectId?: string;
}

export interface InstallationToken {
  token: string;
  expiresAt: string;
  /** owner/name of every repository the token can reach. */
  repositories: string[];
  permissions: Record<string, string>;
}

export interface UserAccessToken {
  token: string;
  expiresAt: string | null;
  login: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
  repositories: string[];
  permissions: Record<string, string>;
}

/** Tokens are reused until this long before they expire, so no one receives a token about to lapse. */
export const INSTALLATION_TOKEN_MARGIN_MS = 10 * 60_000;
const USER_TOKEN_MARGIN_MS = 5 * 60_000;
const knownPermissions = new Set<string>(['contents', 'pull_requests', 'workflows', 'metadata']);

export const refreshSealContext = (userId: string) => `github-refresh:${userId}`;

/**
 * The only holder of GitHub credentials. Installation tokens are narrowed to the repositories and
 * permissions asked for, cached per exact scope, and minted once for concurrent askers; user access
 * tokens are refreshed with the sealed refresh token (storing the rotated one). Tokens live in memory
 * only: never on disk, in logs, messages or responses, and the audit log records scope and expiry, not
 * the token.
 */
export class TokenBroker {
  private readonly installationTokens = new Map<string, CachedToken>();
  private readonly userTokens = new Map<
    string,
    { token: string; expiresAt: number | undefined; login: string }
  >();
  private readonly minting = new SingleFlight<CachedToken>();
  private readonly refreshing = new SingleFlight<UserAccessToken>();
  private app?: Octokit;

  constructor(
    private readonly deps: {
      settings: GithubSettings;
      db: Db;
      secretBox: SecretBox;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  async mintInstallationToken(request: MintRequest): Promise<InstallationToken> {
    const scope = normalizeScope(request);
    const key = JSON.stringify([request.installationId, scope.repositories, scope.permissions]);
    // A session's token is that session's alone: it is revoked when the session ends, so never shared.
    const shared = request.sessionId === undefined;
    const hit = shared ? this.installationTokens.get(key) : undefined;
    const fresh = hit && hit.expiresAt - this.now() > INSTALLATION_TOKEN_MARGIN_MS ? hit : undefined;
    const entry =
      fresh ??
      (shared
        ? await this.minting.run(key, () => this.mint(key, request.installationId, scope))
        : await this.mint(undefined, request.installationId, scope));
    await appendAudit(this.deps.db, {
      actor: request.actor,
      action: 'github.token.issue',
      projectId: request.projectId ?? null,
      target: `installation:${request.installationId}`,
      details: {
        purpose: request.purpose,
        sessionId: request.sessionId ?? null,
        repositories: entry.repositories,
        permissions: entry.permissions,
        expiresAt: new Date(entry.expiresAt).toISOString(),
        cached: fresh !== undefined,
      },
    });
    return { ...entry, expiresAt: new Date(entry.expiresAt).toISOString() };
  }

  /** The user's access token (acting as them: forks, pull requests), refreshed when near expiry. */
  async userAccessToken(userId: string): Promise<UserAccessToken> {
    const hit = this.userTokens.get(userId);
    if (hit && (hit.expiresAt === undefined || hit.expiresAt - this.now() > USER_TOKEN_MARGIN_MS)) {
      return {
        token: hit.token,
        login: hit.login,
        expiresAt: hit.expiresAt ? new Date(hit.expiresAt).toISOString() : null,
      };
    }
    return this.refreshing.run(userId, () => this.refreshUser(userId));
  }

  /** Keeps the access token a fresh link produced, so the first use needs no refresh. */
  rememberUserToken(userId: string, login: string, token: string, expiresAt: number | undefined): void {
    this.userTokens.set(userId, { token, login, expiresAt });
  }

  forgetUser(userId: string): void {
    this.userTokens.delete(userId);
  }

  /** The App's client (JWT auth): installation look-ups and minting. */
  appClient(): Octokit {
    this.app ??= appOctokit(this.deps.settings, this.deps.logger);
    return this.app;
  }

  private async mint(
    key: string | undefined,
    installationId: number,
    scope: NormalizedScope,
  ): Promise<CachedToken> {
    const app = this.appClient();
    let data: {
      token: string;
      expires_at: string;
      permissions?: Record<string, string>;
      repositories?: { full_name: string }[];
    };
    try {
      ({ data } = await retryTokenMint(() =>
        app.request('POST /app/installations/{installation_id}/access_tokens', {
          installation_id: installationId,
          repositories: scope.repositories,
          permissions: scope.permissions,
        }),
      ));
    } catch (err) {
      const { status, message } = describeGithubError(err);
      const what = `an installation token for ${scope.repositories.join(', ')} on installation ${installationId}`;
      if (status && status >= 400 && status < 500) {
        throw new UnprocessableError('github_token_refused', `GitHub refused ${what}: ${message}`, {
          status,
        });
      }
      throw new UpstreamError('github_unreachable', `Could not mint ${what}: ${message}`);
    }
    const entry: CachedToken = {
      token: data.token,
      expiresAt: Date.parse(data.expires_at),
      repositories: data.repositories?.map((r) => r.full_name) ?? scope.repositories,
      permissions: data.permissions ?? scope.permissions,
    };
    this.dropExpired();
    if (key !== undefined) this.installationTokens.set(key, entry);
    return entry;
  }

  private async refreshUser(userId: string): Promise<UserAccessToken> {
    const { db, secretBox, settings } = this.deps;
    const link = await findGithubLink(db, userId);
    if (!link) throw new ConflictError('Connect your GitHub account first.', undefined, 'github_not_linked');
    const relink = () =>
      new ConflictError(
        'Your GitHub authorization has expired or was revoked; connect GitHub again.',
        undefined,
        'github_relink_required',
      );
    if (!link.refreshTokenSealed) throw relink();
    let tokens: Awaited<ReturnType<typeof refreshUserTokens>>;
    try {
      tokens = await refreshUserTokens(
        settings,
        secretBox.open(link.refreshTokenSealed, refreshSealContext(userId)),
        this.now(),
      );
    } catch (err) {
      if (err instanceof OAuthGrantError) throw relink();
      throw err;
    }
    const rotated = tokens.refreshToken
      ? secretBox.seal(tokens.refreshToken, refreshSealContext(userId))
      : link.refreshTokenSealed;
    const rotatedExpiry = tokens.refreshExpiresAt
      ? new Date(tokens.refreshExpiresAt).toISOString()
      : link.refreshExpiresAt;
    await updateGithubRefreshToken(db, userId, rotated, rotatedExpiry);
    this.rememberUserToken(userId, link.login, tokens.accessToken, tokens.expiresAt);
    const expiresAt = tokens.expiresAt ? new Date(tokens.expiresAt).toISOString() : null;
    const user = await findUserById(db, userId);
    await appendAudit(db, {
      actor: user?.subject ?? userId,
      action: 'github.user_token.refresh',
      target: `github:${link.login}`,
      details: { host: link.host, expiresAt },
    });
    return { token: tokens.accessToken, login: link.login, expiresAt };
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.installationTokens)
      if (entry.expiresAt <= now) this.installationTokens.delete(key);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

interface NormalizedScope {
  repositories: string[];
  permissions: Record<string, PermissionLevel>;
}

/** Sorted and checked, so one scope has one cache key however the caller spelled it. */
function normalizeScope(request: MintRequest): NormalizedScope {
  const repositories = [...new Set(request.repositories)].sort();
  if (repositories.length === 0 || repositories.length > 500) {
    throw new BadRequestError('An installation token must be narrowed to between 1 and 500 repositories.');
  }
  const badName = repositories.find((r) => !/^[A-Za-z0-9._-]{1,100}$/.test(r));
  if (badName)
    throw new BadRequestError(
      `"${badName}" is not a repository name (give names within the installation's account).`,
    );
  const entries = Object.entries(request.permissions).filter(([, level]) => level !== undefined) as [
    string,
    PermissionLevel,
  ][];
  if (entries.length === 0)
    throw new BadRequestError('An installation token must name the permissions it needs.');
  for (const [name, level] of entries) {
    if (!knownPermissions.has(name) || !['read', 'write'].includes(level)) {
      throw new BadRequestError(`Permission ${name}: ${level} is not one the platform asks for.`);
    }
  }
  return { repositories, permissions: Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))) };
}
