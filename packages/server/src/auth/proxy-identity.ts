import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/database.ts';
import { findUserBySubject, type User, upsertUser } from '../db/users.ts';
import { UnauthenticatedError } from '../errors.ts';
import { addressMatcher } from './address-match.ts';

/** The headers an OAuth proxy (oauth2-proxy and alike) sets after signing the user in. */
export const proxyHeaders = {
  user: 'x-forwarded-user',
  email: 'x-forwarded-email',
  groups: 'x-forwarded-groups',
  preferredUsername: 'x-forwarded-preferred-username',
} as const;

/**
 * AUTH_MODE=proxy: the identity a trusted proxy forwards. Headers are believed only when the TCP peer is one
 * of TRUSTED_PROXIES; the same headers from anywhere else mean someone is trying to bypass the proxy.
 */
export class ProxyIdentity {
  private readonly trusted: (address: string | undefined) => boolean;

  constructor(
    private readonly db: Db,
    trustedProxies: readonly string[],
  ) {
    this.trusted = addressMatcher(trustedProxies);
  }

  /** The forwarded user, or null when the request carries no forwarded identity. */
  async resolve(request: FastifyRequest): Promise<User | null> {
    const subject = single(request.headers[proxyHeaders.user]);
    const claimsIdentity = Object.values(proxyHeaders).some((h) => request.headers[h] !== undefined);
    if (!claimsIdentity) return null;
    // The socket's peer, not request.ip: X-Forwarded-For is as forgeable as the identity headers.
    const peer = request.raw.socket.remoteAddress;
    if (!this.trusted(peer)) {
      request.log.warn({ peer }, 'forwarded identity headers from an untrusted address');
      throw new UnauthenticatedError(
        'Forwarded identity headers are only accepted from the configured proxy.',
      );
    }
    if (!subject) throw new UnauthenticatedError('The proxy forwarded no X-Forwarded-User.');
    const email = single(request.headers[proxyHeaders.email]) ?? '';
    const name = single(request.headers[proxyHeaders.preferredUsername]) ?? subject;
    const groups = (single(request.headers[proxyHeaders.groups]) ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    return syncUser(this.db, { subject, name, email, groups });
  }
}

/** Writes the user row only when the proxy's view of the user changed (not on every request). */
async function syncUser(db: Db, u: Omit<User, 'id'>): Promise<User> {
  const existing = await findUserBySubject(db, u.subject);
  const same =
    existing &&
    existing.name === u.name &&
    existing.email === u.email &&
    JSON.stringify(existing.groups) === JSON.stringify(u.groups);
  return same ? existing : upsertUser(db, u);
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() || undefined;
}
