/** Every failure the storage layer reports has one of these codes; callers branch on the code, never on text. */
export type StorageErrorCode =
  | 'invalid_key'
  | 'invalid_range'
  | 'invalid_argument'
  | 'key_conflict'
  | 'endpoint_unreachable'
  | 'invalid_credentials'
  | 'bucket_not_found'
  | 'access_denied'
  | 'wrong_region'
  | 'clock_skew'
  | 'timeout'
  | 'unavailable'
  | 'directory_unusable'
  | 'no_space'
  | 'read_mismatch'
  | 'list_mismatch'
  | 'conditional_writes_ignored'
  | 'unknown';

/** Transient conditions: the same request may succeed if repeated. */
const RETRYABLE: ReadonlySet<StorageErrorCode> = new Set(['endpoint_unreachable', 'timeout', 'unavailable']);

export interface StorageErrorOptions {
  /** What the operator should check, one sentence. Appended to the message. */
  hint?: string;
  /** The ObjectStore operation that failed (put, get, list …). */
  operation?: string;
  retryable?: boolean;
  cause?: unknown;
}

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  /** What went wrong, without the hint; `message` is description + hint. */
  readonly description: string;
  readonly hint: string;
  readonly operation: string | undefined;
  readonly retryable: boolean;

  constructor(code: StorageErrorCode, description: string, options: StorageErrorOptions = {}) {
    const hint = options.hint ?? '';
    super(hint ? `${description} ${hint}` : description, { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
    this.description = description;
    this.hint = hint;
    this.operation = options.operation;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
  }
}

export function isRetryableStorageError(error: unknown): boolean {
  return error instanceof StorageError && error.retryable;
}
