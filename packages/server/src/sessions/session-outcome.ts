import type { SessionsTable } from '../db/schema.ts';
import type { RecordedExit } from '../db/session-lifecycle.ts';
import { EXIT_UNDELIVERED } from '../launchers/launcher.ts';

export interface SessionOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  error: string | null;
  remediation: string | null;
}

/**
 * The final status from the log *and* the exit, never from the exit code alone: `succeeded` needs the
 * runner's `result` persisted and acted on, no `error` from it, and a clean exit.
 */
export function decideOutcome(
  row: Pick<SessionsTable, 'error' | 'remediation' | 'result_seq'>,
  exit: RecordedExit,
): SessionOutcome {
  const keep = { error: row.error, remediation: row.remediation };
  if (exit.exitCode === 130) return { status: 'cancelled', ...keep };
  if (exit.exitCode === EXIT_UNDELIVERED) {
    return {
      status: 'failed',
      error:
        'The runner finished but could not deliver all of its messages before the session deadline; the end of the log is missing.',
      remediation:
        'Check that runners can reach the server (PUBLIC_URL, the load balancer, network policies), then start the session again.',
    };
  }
  if (exit.exitCode === 0 && row.error === null && row.result_seq != null)
    return { status: 'succeeded', ...keep };
  if (row.error !== null) return { status: 'failed', ...keep };
  if (exit.exitCode === 0) {
    return {
      status: 'failed',
      error: 'The runner exited without its result reaching the session log.',
      remediation: 'See the runner output in the session log, then start the session again.',
    };
  }
  return {
    status: 'failed',
    error: `The runner exited with ${exit.exitCode === null ? (exit.reason ?? 'no exit status') : `code ${exit.exitCode}`}; see the session log.`,
    remediation: row.remediation,
  };
}
