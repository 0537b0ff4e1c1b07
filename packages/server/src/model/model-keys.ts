import { signValue, verifySignedValue } from '../crypto/tokens.ts';

const PREFIX = 'rfm_';

/**
 * The key a session's agent presents to the model gateway: signed, self-expiring, naming one session, and
 * good for `/api/runner/sessions/{s}/model/…` only. The agent's own process sees it (the Claude CLI sends
 * it as `x-api-key`), so it is deliberately not the runner token: a leaked model key can spend that
 * session's budget through the gateway and do nothing else.
 */
export class ModelKeys {
  constructor(
    private readonly secret: string,
    private readonly ttlMs = 25 * 3600_000,
  ) {}

  issue(sessionId: string): string {
    return PREFIX + signValue(`model-gateway:${this.secret}`, sessionId, this.ttlMs);
  }

  /** The session the key is for, or null. */
  verify(key: string): string | null {
    if (!key.startsWith(PREFIX)) return null;
    const result = verifySignedValue(`model-gateway:${this.secret}`, key.slice(PREFIX.length));
    return result.ok ? result.payload : null;
  }
}
