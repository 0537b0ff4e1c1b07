import { randomBytes } from 'node:crypto';
import { signValue, verifySignedValue } from '../crypto/tokens.ts';
import { BadRequestError } from '../errors.ts';

/** How long a user has between "Install the App" and GitHub's redirect back. */
export const INSTALL_STATE_TTL_MS = 10 * 60_000;

// A key of its own, so a session cookie can never pass for a state value (or the reverse).
const keyOf = (sessionSecret: string) => `github-install:${sessionSecret}`;

/** The `state` for the App installation redirect: HMAC-signed, 10 minutes, bound to the signed-in user. */
export function signInstallState(sessionSecret: string, userId: string, now = Date.now()): string {
  const payload = JSON.stringify({ u: userId, n: randomBytes(9).toString('base64url') });
  return signValue(keyOf(sessionSecret), payload, INSTALL_STATE_TTL_MS, now);
}

/** Throws a 400 saying what is wrong with the state: forged, expired, or started by another user. */
export function verifyInstallState(
  sessionSecret: string,
  state: string | undefined,
  userId: string,
  now = Date.now(),
): void {
  const again = 'Start again from "Connect GitHub".';
  if (!state)
    throw new BadRequestError(
      `The GitHub callback carries no state. ${again}`,
      undefined,
      'github_state_invalid',
    );
  const verified = verifySignedValue(keyOf(sessionSecret), state, now);
  if (!verified.ok) {
    if (verified.reason === 'expired') {
      throw new BadRequestError(
        `The GitHub link request expired (it is valid for 10 minutes). ${again}`,
        undefined,
        'github_state_expired',
      );
    }
    throw new BadRequestError(
      `The GitHub callback state is not one this server issued. ${again}`,
      undefined,
      'github_state_invalid',
    );
  }
  let boundTo: unknown;
  try {
    boundTo = (JSON.parse(verified.payload) as { u?: unknown }).u;
  } catch {
    boundTo = undefined;
  }
  if (boundTo !== userId) {
    throw new BadRequestError(
      `This GitHub link request was started by another user; sign in as yourself. ${again}`,
      undefined,
      'github_state_foreign',
    );
  }
}
