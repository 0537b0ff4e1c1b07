import type { AppContext } from '../context.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { appendAudit } from '../db/audit.ts';
import { type Db, now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { AppError, ConflictError, ForbiddenError, UpstreamError } from '../errors.ts';
import { allInOrder } from './all-in-order.ts';
import { httpStatus } from './github-errors.ts';
import type { GithubServices } from './github-services.ts';
import { describeGithubError } from './octokit.ts';
import type { InstallationPermission, PermissionLevel } from './token-broker.ts';

/** owner/name of a repository. */
export interface RepoName {
  owner: string;
  repo: string;
}

/** What a session's runner may ever reach, decided when the session starts. Holds no secret. */
export interface SessionCredentialPlan {
  sessionId: string;
  projectId: string;
  /** The session owner's subject, for the audit log. */
  actor: string;
  /** Read for the clone: the upstream and the submodules the user can read. */
  read: RepoName[];
  /** Pushed to: one per changed repository's target (the user's fork, or the upstream for a direct push). */
  push: { upstream: string; repo: RepoName; direct: boolean }[];
}

export type CredentialStep = 'clone' | 'push';

/** A credential the runner's git uses for URLs under `url`; the token is an installation token. */
export interface RunnerGitCredential {
  url: string;
  username: string;
  token: string;
}

interface PlannedSession extends SessionCredentialPlan {
  installations: Map<string, number>;
}

interface StoredPlan extends SessionCredentialPlan {
  installations: Record<string, number>;
}

const sealContext = (sessionId: string) => `session-token:${sessionId}`;

const READ: Partial<Record<InstallationPermission, PermissionLevel>> = { contents: 'read', metadata: 'read' };
const full = (r: RepoName) => `${r.owner}/${r.repo}`;

/**
 * The credentials of running sessions. A runner never gets the user's access token: for the clone it
 * gets installation tokens narrowed to the repositories it reads (contents: read), for the push tokens
 * narrowed to each repository it pushes (contents: write, workflows only where the change touches
 * .github/workflows/). Tokens are minted when the runner asks for a step, are the session's alone, and
 * are all revoked (`DELETE /installation/token`) when the session ends; each mint and revocation is
 * audited with repositories, permissions and expiry, never the token.
 */
export class SessionTokens {
  constructor(
    private readonly github: GithubServices,
    private readonly db: Db,
    private readonly secretBox: SecretBox,
  ) {}

  /**
   * Records what the session may reach, after checking the App is installed wherever it must read or
   * push; a missing installation refuses the session with the remedy.
   */
  async plan(plan: SessionCredentialPlan): Promise<void> {
    const repos = new Map([...plan.read, ...plan.push.map((p) => p.repo)].map((repo) => [full(repo), repo]));
    // One look-up per repository, all at once; a failure names the first repository in the plan's order.
    const ids = await allInOrder([...repos.values()].map((repo) => this.installationOf(repo)));
    const installations = Object.fromEntries([...repos.keys()].map((name, i) => [name, ids[i]!]));
    const stored: StoredPlan = { ...plan, installations };
    await this.db
      .insertInto('session_credential_plans')
      .values({ session_id: plan.sessionId, plan: JSON.stringify(stored), created_at: now() })
      .execute();
  }

  private async planOf(sessionId: string): Promise<PlannedSession | undefined> {
    const row = await this.db
      .selectFrom('session_credential_plans')
      .select('plan')
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    if (!row) return undefined;
    const stored = JSON.parse(row.plan) as StoredPlan;
    return { ...stored, installations: new Map(Object.entries(stored.installations)) };
  }

  /**
   * Fresh tokens for one step of the session's runner. For the push, `pushing` names the upstreams
   * (owner/name) that changed (only their targets get a token) and `workflows` those whose change
   * touches .github/workflows/.
   */
  async credentials(
    sessionId: string,
    step: CredentialStep,
    scope: { pushing?: readonly string[]; workflows?: readonly string[] } = {},
  ): Promise<RunnerGitCredential[]> {
    const workflows = scope.workflows ?? [];
    const plan = await this.planOf(sessionId);
    if (!plan) {
      throw new ConflictError(
        'This session has no credentials (it has ended, or it never started); start the session again.',
        undefined,
        'session_credentials_gone',
      );
    }
    const webUrl = this.github.webUrl.replace(/\/+$/, '');
    const credentials: RunnerGitCredential[] = [];
    if (step === 'clone') {
      const byInstallation = new Map<number, RepoName[]>();
      for (const repo of plan.read) {
        const id = plan.installations.get(full(repo))!;
        byInstallation.set(id, [...(byInstallation.get(id) ?? []), repo]);
      }
      for (const [installationId, repos] of byInstallation) {
        const token = await this.mint(plan, installationId, repos, READ, 'session.clone');
        for (const repo of repos)
          credentials.push({ url: `${webUrl}/${full(repo)}`, username: 'x-access-token', token });
      }
      return credentials;
    }
    const unknown = (scope.pushing ?? []).find((name) => !plan.push.some((p) => p.upstream === name));
    if (unknown) {
      throw new ForbiddenError(
        `${unknown} is not a repository this session pushes; it gets no token for it.`,
        {
          repo: unknown,
        },
      );
    }
    for (const target of plan.push.filter((p) => scope.pushing?.includes(p.upstream) ?? true)) {
      const permissions: Partial<Record<InstallationPermission, PermissionLevel>> = {
        contents: 'write',
        metadata: 'read',
        ...(workflows.includes(target.upstream) ? { workflows: 'write' } : {}),
      };
      const installationId = plan.installations.get(full(target.repo))!;
      const purpose = target.direct ? 'session.push.direct' : 'session.push';
      const token = await this.mint(plan, installationId, [target.repo], permissions, purpose);
      credentials.push({ url: `${webUrl}/${full(target.repo)}`, username: 'x-access-token', token });
    }
    return credentials;
  }

  /** Revokes every token the session was given and forgets its plan (every terminal path calls this). */
  async endSession(sessionId: string): Promise<void> {
    const plan = await this.planOf(sessionId);
    const rows = await this.db
      .selectFrom('session_tokens')
      .selectAll()
      .where('session_id', '=', sessionId)
      .execute();
    for (const t of rows) {
      let token: string | undefined;
      try {
        token = this.secretBox.open(t.token_sealed, sealContext(sessionId));
      } catch {
        token = undefined; // sealed with another key: it lapses within the hour
      }
      const result = token ? await this.revoke(token) : 'failed';
      await appendAudit(this.db, {
        actor: plan?.actor ?? 'system',
        action: 'github.token.revoke',
        projectId: plan?.projectId ?? null,
        target: `installation:${t.installation_id}`,
        outcome: result === 'failed' ? 'failure' : 'success',
        details: {
          purpose: t.purpose,
          sessionId,
          repositories: JSON.parse(t.repositories),
          permissions: JSON.parse(t.permissions),
          expiresAt: t.expires_at,
          result,
        },
      });
      await this.db.deleteFrom('session_tokens').where('id', '=', t.id).execute();
    }
    await this.db.deleteFrom('session_credential_plans').where('session_id', '=', sessionId).execute();
  }

  private async mint(
    plan: PlannedSession,
    installationId: number,
    repos: RepoName[],
    permissions: Partial<Record<InstallationPermission, PermissionLevel>>,
    purpose: string,
  ): Promise<string> {
    const minted = await this.github.broker.mintInstallationToken({
      installationId,
      repositories: repos.map((r) => r.repo),
      permissions,
      purpose,
      actor: plan.actor,
      sessionId: plan.sessionId,
      projectId: plan.projectId,
    });
    await this.db
      .insertInto('session_tokens')
      .values({
        id: newId(),
        session_id: plan.sessionId,
        token_sealed: this.secretBox.seal(minted.token, sealContext(plan.sessionId)),
        installation_id: installationId,
        purpose,
        repositories: JSON.stringify(minted.repositories),
        permissions: JSON.stringify(minted.permissions),
        expires_at: minted.expiresAt,
      })
      .execute();
    return minted.token;
  }

  /** `revoked` (204), `expired` (already refused: 401), or `failed` (anything else; it lapses within the hour). */
  private async revoke(token: string): Promise<'revoked' | 'expired' | 'failed'> {
    try {
      const res = await fetch(`${this.github.apiUrl.replace(/\/+$/, '')}/installation/token`, {
        method: 'DELETE',
        headers: {
          authorization: `token ${token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
        },
      });
      await res.body?.cancel();
      if (res.status === 204) return 'revoked';
      return res.status === 401 ? 'expired' : 'failed';
    } catch {
      return 'failed';
    }
  }

  /** The App's installation covering the repository (GET /repos/{owner}/{repo}/installation). */
  private async installationOf(repo: RepoName): Promise<number> {
    try {
      const { data } = await this.github.broker
        .appClient()
        .rest.apps.getRepoInstallation({ owner: repo.owner, repo: repo.repo });
      return data.id;
    } catch (err) {
      if (httpStatus(err) === 404) {
        const url = `${this.github.webUrl.replace(/\/+$/, '')}/apps/${this.github.app.slug}/installations/new`;
        throw new AppError(
          422,
          'app_not_installed',
          `The GitHub App is not installed on ${repo.owner} (or its installation does not include ${full(repo)}), so a session cannot read or push ${full(repo)}. Install the GitHub App on ${repo.owner}: ${url}`,
          { owner: repo.owner, repo: full(repo), installUrl: url, remedy: 'install-app' },
        );
      }
      const { status, message } = describeGithubError(err);
      throw new UpstreamError(
        'github_unreachable',
        `Could not look up the GitHub App's installation for ${full(repo)} (${status ?? 'no answer'}): ${message}`,
      );
    }
  }
}

/** The session credentials of the context's Git host. */
export function sessionTokensOf(ctx: Pick<AppContext, 'github' | 'db' | 'secretBox'>): SessionTokens {
  if (!ctx.github) throw new Error('No Git host is configured.');
  return new SessionTokens(ctx.github, ctx.db, ctx.secretBox);
}

/** Called when a session ends, however it ends: its runner's tokens stop working now. */
export async function revokeSessionTokens(ctx: AppContext, sessionId: string): Promise<void> {
  if (!ctx.github) return;
  await sessionTokensOf(ctx)
    .endSession(sessionId)
    .catch((err: Error) =>
      ctx.logger.warn({ err: err.message, session: sessionId }, 'revoking the session tokens failed'),
    );
}
