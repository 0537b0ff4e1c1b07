import { compactVerify, decodeJwt, importSPKI } from 'jose';
import { ForgeError } from '../http/errors.ts';
import type { AppRecord } from '../state/model.ts';

/** GitHub's wording for App JWT problems (all 401). */
const UNDECODABLE = 'A JSON web token could not be decoded';
const EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
const EXP_INVALID =
  "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const IAT_INVALID =
  "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
const MAX_LIFETIME_S = 600;
/** Tolerated skew for `iat` (GitHub's docs suggest back-dating it 60 s) and for rounding of `exp`. */
const SKEW_S = 60;
const EXP_ROUNDING_S = 5;

export const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

const keyCache = new Map<string, CryptoKey>();

async function publicKey(app: AppRecord): Promise<CryptoKey> {
  let key = keyCache.get(app.publicKeyPem);
  if (!key) {
    key = (await importSPKI(app.publicKeyPem, 'RS256')) as CryptoKey;
    keyCache.set(app.publicKeyPem, key);
  }
  return key;
}

/** Verifies an App JWT (RS256, iss = app id or client ID, lifetime ≤ 10 min, not expired); throws 401 ForgeErrors otherwise. */
export async function verifyAppJwt(jwt: string, app: AppRecord | null, nowMs: number): Promise<void> {
  const fail = (message: string) => new ForgeError(401, message);
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(jwt);
  } catch {
    throw fail(UNDECODABLE);
  }
  // GitHub accepts the App's id or its client ID as the issuer.
  if (!app || (String(claims.iss) !== String(app.id) && claims.iss !== app.clientId)) throw fail(UNDECODABLE);
  try {
    const { protectedHeader } = await compactVerify(jwt, await publicKey(app), { algorithms: ['RS256'] });
    if (protectedHeader.alg !== 'RS256') throw new Error('alg');
  } catch {
    throw fail(UNDECODABLE);
  }
  const now = Math.floor(nowMs / 1000);
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now + SKEW_S) throw fail(IAT_INVALID);
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= now) throw fail(EXP_INVALID);
  if (exp - now > MAX_LIFETIME_S + EXP_ROUNDING_S || exp - iat > MAX_LIFETIME_S + SKEW_S)
    throw fail(EXP_TOO_FAR);
}
