import { signValue, verifySignedValue } from './tokens.ts';

const PREFIX = 'rfr_';

/**
 * Session-scoped runner tokens: signed, self-expiring, naming exactly one session. They authenticate the
 * runner's channel for that session and nothing else.
 */
export class RunnerTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlMs = 24 * 3600_000,
  ) {}

  issue(sessionId: string): string {
    return PREFIX + signValue(`runner:${this.secret}`, sessionId, this.ttlMs);
  }

  /** The session id the token is valid for, or null. */
  verify(token: string): string | null {
    if (!token.startsWith(PREFIX)) return null;
    const result = verifySignedValue(`runner:${this.secret}`, token.slice(PREFIX.length));
    return result.ok ? result.payload : null;
  }
}
