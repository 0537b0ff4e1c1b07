import * as oidc from 'openid-client';
import type { Config } from '../config/config.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { User } from '../db/users.ts';
import { BadRequestError, UpstreamError } from '../errors.ts';

/** Cookie carrying the PKCE verifier, state and nonce between the login redirect and the callback. */
export const OIDC_FLOW_COOKIE = 'rfe_oidc';
export const OIDC_FLOW_TTL_MS = 10 * 60_000;
const SEAL_CONTEXT = 'oidc-flow';

interface Flow {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  expiresAt: number;
}

/**
 * AUTH_MODE=oidc: authorization code flow with PKCE, state and nonce. The per-login secrets travel in an
 * encrypted, authenticated, short-lived cookie, so any replica can finish a login another one started.
 */
export class OidcSignIn {
  private discovered?: Promise<oidc.Configuration>;

  constructor(
    private readonly config: Config,
    private readonly secretBox: SecretBox,
  ) {}

  /** The provider URL to send the browser to, and the sealed flow cookie to set. */
  async start(redirectUri: string, returnTo: string): Promise<{ url: string; flowCookie: string }> {
    const provider = await this.provider();
    const flow: Flow = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      returnTo: safeReturnTo(returnTo),
      expiresAt: Date.now() + OIDC_FLOW_TTL_MS,
    };
    const url = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: redirectUri,
      scope: this.config.oidcScopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { url: url.href, flowCookie: this.secretBox.seal(JSON.stringify(flow), SEAL_CONTEXT) };
  }

  /** Checks the provider's answer against the flow cookie and returns who signed in and where to go next. */
  async finish(
    redirectUri: string,
    query: URLSearchParams,
    flowCookie: string | undefined,
  ): Promise<{ user: Omit<User, 'id'>; returnTo: string }> {
    if (query.get('error')) {
      const description = query.get('error_description');
      throw new BadRequestError(
        `The identity provider refused the sign-in: ${query.get('error')}${description ? ` (${description})` : ''}.`,
        undefined,
        'oidc_refused',
      );
    }
    const flow = this.openFlow(flowCookie);
    const provider = await this.provider();
    const currentUrl = new URL(redirectUri);
    for (const [k, v] of query) currentUrl.searchParams.set(k, v);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(provider, currentUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new BadRequestError(
        `The sign-in could not be completed: ${(err as Error).message}. Start again.`,
        undefined,
        'oidc_failed',
      );
    }
    const idClaims = tokens.claims()!;
    const info = await oidc.fetchUserInfo(provider, tokens.access_token, idClaims.sub).catch(() => ({}));
    const claims: Record<string, unknown> = { ...info, ...idClaims };
    return { user: userFromClaims(claims, this.config.oidcGroupsClaim), returnTo: flow.returnTo };
  }

  private openFlow(cookie: string | undefined): Flow {
    const restart = 'Start the sign-in again from the sign-in page.';
    if (!cookie)
      throw new BadRequestError(
        `No sign-in is in progress in this browser. ${restart}`,
        undefined,
        'oidc_state',
      );
    let flow: Flow;
    try {
      flow = JSON.parse(this.secretBox.open(cookie, SEAL_CONTEXT)) as Flow;
    } catch {
      throw new BadRequestError(`The sign-in state is invalid. ${restart}`, undefined, 'oidc_state');
    }
    if (flow.expiresAt <= Date.now()) {
      throw new BadRequestError(
        `The sign-in took longer than 10 minutes. ${restart}`,
        undefined,
        'oidc_state',
      );
    }
    return flow;
  }

  private provider(): Promise<oidc.Configuration> {
    this.discovered ??= this.discover().catch((err: unknown) => {
      this.discovered = undefined; // retry discovery on the next sign-in
      throw err;
    });
    return this.discovered;
  }

  private async discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.config.oidcIssuer!);
    const secret = this.config.oidcClientSecret;
    try {
      return await oidc.discovery(
        issuer,
        this.config.oidcClientId!,
        secret ? { client_secret: secret } : undefined,
        secret ? oidc.ClientSecretBasic(secret) : oidc.None(),
        // Config only accepts http issuers on loopback (a provider on this machine).
        issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
    } catch (err) {
      throw new UpstreamError(
        'oidc_unavailable',
        `The identity provider at ${issuer.href} could not be reached or described itself incorrectly: ${(err as Error).message}`,
      );
    }
  }
}

export function userFromClaims(claims: Record<string, unknown>, groupsClaim: string): Omit<User, 'id'> {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const subject = text(claims.sub)!;
  const rawGroups = claims[groupsClaim];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
  return {
    subject,
    name: text(claims.name) ?? text(claims.preferred_username) ?? text(claims.email) ?? subject,
    email: text(claims.email) ?? '',
    groups,
  };
}

/** Only same-site paths: an open redirect after sign-in would be a phishing aid. */
export function safeReturnTo(returnTo: string | undefined): string {
  return returnTo && /^\/(?![/\\])/.test(returnTo) ? returnTo : '/';
}
