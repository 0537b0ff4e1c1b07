/**
 * Why a run failed, as a value with a code: the shell turns it into one `error` message (code +
 * message with remediation) and an exit status. Anything else thrown is reported as `internal`.
 */
export const RUN_ERROR_CODES = [
  'settings_invalid',
  'input_inaccessible',
  'input_branch_missing',
  'submodule_inaccessible',
  'workspace_invalid',
  'command_failed',
  'adapter_failed',
  'templates_missing',
  'output_missing',
  'commit_failed',
  'push_denied',
  'push_rejected',
  'push_target_missing',
  'push_failed',
  'timeout',
  'cancelled',
  'internal',
] as const;
export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

export class RunError extends Error {
  override readonly name = 'RunError';

  constructor(
    readonly code: RunErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A setting is missing or malformed; the message names the environment variable. */
export class SettingsError extends RunError {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super('settings_invalid', `${variable}: ${problem}`);
  }
}

export function asRunError(error: unknown): RunError {
  if (error instanceof RunError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RunError('internal', message, { cause: error });
}
