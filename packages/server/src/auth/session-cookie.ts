import type { FastifyReply } from 'fastify';
import type { Config } from '../config/config.ts';
import { signValue } from '../crypto/tokens.ts';
import { SESSION_COOKIE } from '../http/principal.ts';

/** How long a browser sign-in (dev or OIDC) lasts before the user signs in again. */
export const SESSION_TTL_MS = 12 * 3600_000;

export function cookieOptions(config: Config) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: (config.publicUrl ?? '').startsWith('https:'),
  };
}

/** Signs the user in on this browser: a signed, self-expiring cookie naming the user id. */
export function setSessionCookie(reply: FastifyReply, config: Config, secret: string, userId: string): void {
  reply.setCookie(SESSION_COOKIE, signValue(secret, userId, SESSION_TTL_MS), {
    ...cookieOptions(config),
    maxAge: SESSION_TTL_MS / 1000,
  });
}
