import type { ForgeContext } from '../context.ts';
import { badCredentials } from '../http/errors.ts';
import type { AppPermissionLevel } from '../types.ts';
import { looksLikeJwt, verifyAppJwt } from './app-jwt.ts';
import { hashToken } from './tokens.ts';

/** Who a request acts as. */
export type Principal =
  | { kind: 'anonymous'; scope: string }
  | { kind: 'user'; login: string; via: 'pat' | 'oauth'; scope: string }
  | {
      kind: 'installation';
      installationId: number;
      /** null = all repositories of the installation. */
      repositoryIds: number[] | null;
      permissions: Record<string, AppPermissionLevel>;
      scope: string;
    }
  | { kind: 'app'; appId: number; scope: string };

export interface Credential {
  token: string;
  scheme: 'token' | 'bearer' | 'basic';
}

/** Reads `Authorization: token|Bearer <t>` or Basic `<user>:<token>` (git and some API clients). */
export function readCredential(header: string | undefined): Credential | null {
  if (!header) return null;
  const sp = header.indexOf(' ');
  if (sp === -1) return null;
  const scheme = header.slice(0, sp).toLowerCase();
  const value = header.slice(sp + 1).trim();
  if (scheme === 'token' || scheme === 'bearer') return { token: value, scheme };
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { token: colon === -1 ? decoded : decoded.slice(colon + 1), scheme: 'basic' };
  }
  return { token: value, scheme: 'token' };
}

/**
 * Turns a credential into a principal. Unknown, expired or refresh tokens give 401 "Bad credentials"
 * (GitHub answers that even on endpoints that would work anonymously).
 */
export async function resolvePrincipal(
  ctx: ForgeContext,
  credential: Credential | null,
  remoteAddress: string,
): Promise<Principal> {
  if (!credential || credential.token === '') return { kind: 'anonymous', scope: `ip:${remoteAddress}` };
  const { token } = credential;
  const state = ctx.store.read;
  if (credential.scheme !== 'basic' && looksLikeJwt(token)) {
    await verifyAppJwt(token, state.app, ctx.now());
    return { kind: 'app', appId: state.app!.id, scope: `app:${state.app!.id}` };
  }
  const hash = hashToken(token);
  const rec = state.tokens[hash];
  if (!rec || rec.kind === 'refresh') throw badCredentials();
  if (rec.expiresAt !== null && rec.expiresAt <= ctx.now()) throw badCredentials();
  if (rec.kind === 'installation') {
    if (!state.installations[String(rec.installationId)]) throw badCredentials();
    return {
      kind: 'installation',
      installationId: rec.installationId,
      repositoryIds: rec.repositoryIds,
      permissions: rec.permissions,
      scope: `token:${hash}`,
    };
  }
  if (!state.accounts[rec.login.toLowerCase()]) throw badCredentials();
  return {
    kind: 'user',
    login: rec.login,
    via: rec.kind === 'pat' ? 'pat' : 'oauth',
    scope: `token:${hash}`,
  };
}

/** The rate-limit bucket: GitHub counts per user, per installation, per App, or per IP. */
export function rateBucket(p: Principal): { key: string; limit: number; label: string } {
  switch (p.kind) {
    case 'anonymous':
      return { key: p.scope, limit: 60, label: p.scope.slice(3) };
    case 'user':
      return { key: `user:${p.login.toLowerCase()}`, limit: 5000, label: `user ${p.login}` };
    case 'installation':
      return {
        key: `installation:${p.installationId}`,
        limit: 5000,
        label: `installation ID ${p.installationId}`,
      };
    case 'app':
      return { key: `app:${p.appId}`, limit: 5000, label: `app ID ${p.appId}` };
  }
}
