import { StorageError } from './errors.ts';

export interface S3ErrorContext {
  operation: string;
  /** For messages: the configured endpoint, or the AWS regional endpoint. */
  endpoint: string;
  bucket: string;
  key?: string;
}

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
  ETIMEDOUT: 'connection timed out',
};

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);

const THROTTLING_ERRORS = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout', // S3's 400 for a request body that arrived too slowly
]);

/** The status and S3 error code of an SDK error ('Unknown'/'NotFound' for body-less HEAD errors). */
export function describeSdkError(error: unknown): { status?: number; name: string } {
  const e = (error ?? {}) as SdkError;
  return { status: e.$metadata?.httpStatusCode, name: e.Code ?? e.name ?? 'Error' };
}

/**
 * The SDK error reduced to name, message, code, status and request id. The raw error carries the whole
 * HTTP exchange (signed request headers included), which must not end up in logs or API responses.
 */
export function sdkCause(error: unknown): Error {
  const e = (error ?? {}) as SdkError & { $metadata?: { requestId?: string } };
  const cause = new Error(e.message ?? String(error)) as Error & Record<string, unknown>;
  cause.name = e.name ?? 'Error';
  if (e.code) cause.code = e.code;
  if (e.Code) cause.s3Code = e.Code;
  if (e.$metadata?.httpStatusCode) cause.status = e.$metadata.httpStatusCode;
  if (e.$metadata?.requestId) cause.requestId = e.$metadata.requestId;
  return cause;
}

/** Maps an AWS SDK failure to a StorageError whose message says what went wrong and what to check. */
export function toStorageError(error: unknown, ctx: S3ErrorContext): StorageError {
  if (error instanceof StorageError) return error;
  const e = (error ?? {}) as SdkError;
  const { status, name } = describeSdkError(error);
  const base = { operation: ctx.operation, cause: sdkCause(error) };
  const networkReason =
    (e.code && NETWORK_CODES[e.code]) || (/socket hang up/i.test(e.message ?? '') && 'socket hang up');

  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT') {
    return new StorageError('timeout', `The S3 request (${ctx.operation}) to ${ctx.endpoint} timed out.`, {
      ...base,
      hint: 'Check network connectivity to the endpoint and the health of the service.',
    });
  }
  if (networkReason && status === undefined) {
    return new StorageError(
      'endpoint_unreachable',
      `Could not reach the S3 endpoint ${ctx.endpoint}: ${networkReason}.`,
      {
        ...base,
        hint: 'Check the endpoint URL and that the service is running.',
      },
    );
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    const description =
      name === 'CredentialsProviderError'
        ? 'No S3 credentials were found (CredentialsProviderError).'
        : `The S3 service rejected the credentials (${name}).`;
    return new StorageError('invalid_credentials', description, {
      ...base,
      hint: 'Check the access key id and secret.',
    });
  }
  if (name === 'NoSuchBucket') {
    return new StorageError('bucket_not_found', `Bucket '${ctx.bucket}' does not exist (NoSuchBucket).`, {
      ...base,
      hint: 'Create it or fix the bucket name.',
    });
  }
  if (
    name === 'PermanentRedirect' ||
    name === 'AuthorizationHeaderMalformed' ||
    name === 'IllegalLocationConstraintException'
  ) {
    return new StorageError(
      'wrong_region',
      `Bucket '${ctx.bucket}' is not in the configured region (${name}).`,
      {
        ...base,
        hint: "Set the region to the bucket's region.",
      },
    );
  }
  if (name === 'RequestTimeTooSkewed') {
    return new StorageError(
      'clock_skew',
      'The S3 service rejected the request time (RequestTimeTooSkewed).',
      {
        ...base,
        hint: "Synchronise the server's clock (NTP).",
      },
    );
  }
  if (name === 'AccessDenied' || status === 403) {
    return new StorageError(
      'access_denied',
      `Access to bucket '${ctx.bucket}' was denied during ${ctx.operation} (${status ?? ''} ${name}).`,
      {
        ...base,
        hint: 'Check the access key and that its policy allows s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket and prefix.',
      },
    );
  }
  if (THROTTLING_ERRORS.has(name) || (status !== undefined && (status >= 500 || status === 429))) {
    return new StorageError(
      'unavailable',
      `The S3 service at ${ctx.endpoint} is unavailable (${status ?? ''} ${name}).`,
      {
        ...base,
        hint: 'The request was retried with backoff; check the health and load of the service.',
      },
    );
  }
  return new StorageError(
    'unknown',
    `S3 ${ctx.operation} failed${ctx.key ? ` for '${ctx.key}'` : ''}: ${status ?? ''} ${name} ${e.message ?? ''}`.trim(),
    { ...base, hint: '' },
  );
}
