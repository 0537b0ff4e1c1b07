import { createHash, randomBytes } from 'node:crypto';
import type { ForgeState, TokenRecord } from '../state/model.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const HOUR_MS = 60 * 60 * 1000;
export const INSTALLATION_TOKEN_TTL_MS = HOUR_MS;
export const USER_TOKEN_TTL_MS = 8 * HOUR_MS;
/** GitHub: refresh tokens live 6 months (15897600 s). */
export const REFRESH_TOKEN_TTL_MS = 15_897_600 * 1000;

function randomString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

const PREFIX: Record<TokenRecord['kind'], string> = {
  installation: 'ghs',
  user: 'ghu',
  refresh: 'ghr',
  pat: 'ghp',
};

/** Creates a token of the record's kind and stores only its hash. */
export function issueToken(state: ForgeState, record: TokenRecord): string {
  const length = record.kind === 'refresh' ? 76 : 36;
  const token = `${PREFIX[record.kind]}_${randomString(length)}`;
  state.tokens[hashToken(token)] = record;
  return token;
}

/** Drops expired tokens and codes so the document does not grow without bound. */
export function pruneExpired(state: ForgeState, nowMs: number): void {
  for (const [hash, rec] of Object.entries(state.tokens)) {
    if (rec.expiresAt !== null && rec.expiresAt < nowMs - 24 * HOUR_MS) delete state.tokens[hash];
  }
  for (const [hash, rec] of Object.entries(state.oauthCodes)) {
    if (rec.expiresAt < nowMs) delete state.oauthCodes[hash];
  }
}

export function newOAuthCode(): string {
  return randomString(20).toLowerCase();
}
