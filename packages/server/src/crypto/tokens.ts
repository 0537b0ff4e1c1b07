import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random bearer token with a recognisable prefix (so leaks can be found by scanners). */
export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are stored only as this hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function hmac(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `payload.expiryMs.signature`, for cookies and OAuth state: tamper-evident and self-expiring. */
export function signValue(secret: string, payload: string, ttlMs: number, now = Date.now()): string {
  const body = `${Buffer.from(payload).toString('base64url')}.${now + ttlMs}`;
  return `${body}.${hmac(secret, body)}`;
}

export type VerifyResult =
  | { ok: true; payload: string }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifySignedValue(secret: string, value: string, now = Date.now()): VerifyResult {
  const parts = value.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [payload, expiry, signature] = parts as [string, string, string];
  if (!safeEqual(hmac(secret, `${payload}.${expiry}`), signature))
    return { ok: false, reason: 'bad_signature' };
  if (!(Number(expiry) > now)) return { ok: false, reason: 'expired' };
  return { ok: true, payload: Buffer.from(payload, 'base64url').toString('utf8') };
}
