import type { GitCredential } from '../credentials-file.ts';
import { RunError } from '../errors.ts';
import type { Redactor } from '../redactor.ts';
import { type Sealed, SealKey } from './sealed-credentials.ts';

export type CredentialStep = 'clone' | 'push';

export interface CredentialSourceSettings {
  sessionId: string;
  /** `POST` endpoint of the backend handing out this session's git credentials; absent: none. */
  credentialsUrl?: string;
  runnerToken: () => string;
  /** Credentials from the launcher's file (local workspaces and tests). */
  gitCredentials: readonly GitCredential[];
}

/**
 * Git credentials for one step, asked of the backend right before the step (the clone before any
 * adapter starts, the push after the adapter's processes are gone) and kept in memory only: installation
 * tokens narrowed to the session's repositories and the step's permissions. Every token is registered
 * with the redactor before it is used.
 */
export async function credentialsForStep(
  settings: CredentialSourceSettings,
  redactor: Redactor,
  step: CredentialStep,
  push: { pushing: readonly string[]; workflows: readonly string[] } = { pushing: [], workflows: [] },
): Promise<GitCredential[]> {
  if (!settings.credentialsUrl) return [...settings.gitCredentials];
  const code = step === 'clone' ? 'input_inaccessible' : 'push_denied';
  const key = new SealKey();
  const res = await askBackend(settings, code, step, {
    step,
    publicKey: key.publicKey,
    ...(step === 'push' ? push : {}),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<Sealed> & { error?: { message?: string } };
  if (!res.ok || typeof body.ciphertext !== 'string') {
    throw new RunError(
      code,
      `The backend refused git credentials for the ${step} (${res.status}): ${redactor.text(body.error?.message ?? 'no explanation')}`,
    );
  }
  let git: GitCredential[];
  try {
    ({ git } = JSON.parse(key.open(body as Sealed, settings.sessionId)) as { git: GitCredential[] });
  } catch {
    throw new RunError(
      code,
      `The git credentials for the ${step} could not be opened; start the session again.`,
    );
  }
  for (const c of git) redactor.addBasic(c.username, c.token);
  return [...settings.gitCredentials, ...git];
}

/** Retries while the backend is unreachable or restarting (5xx), like the channel does; gives up after 5 min. */
async function askBackend(
  settings: CredentialSourceSettings,
  code: 'input_inaccessible' | 'push_denied',
  step: CredentialStep,
  body: Record<string, unknown>,
): Promise<Response> {
  const deadline = Date.now() + 5 * 60_000;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    let problem: string;
    try {
      const res = await fetch(settings.credentialsUrl!, {
        method: 'POST',
        headers: { authorization: `Bearer ${settings.runnerToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      if (res.status < 500) return res;
      await res.body?.cancel();
      problem = `the backend answered ${res.status}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    if (Date.now() + delay > deadline) {
      throw new RunError(code, `Could not get git credentials for the ${step} from the backend: ${problem}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
