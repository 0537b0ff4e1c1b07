import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { isRetryableStorageError, StorageError } from './errors.ts';
import { normalizeScope, toBytes, validateKey, validatePrefix } from './keys.ts';
import {
  type ByteRange,
  type ListOptions,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  resolveListLimit,
  validateRange,
} from './object-store.ts';
import { type RetryOptions, retry } from './retry.ts';
import { describeSdkError, sdkCause, toStorageError } from './s3-errors.ts';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** Custom endpoint (MinIO, Ceph, s3rver …); AWS when absent. */
  endpoint?: string;
  /** Default: true with a custom endpoint, false for AWS. */
  forcePathStyle?: boolean;
  /** Both or neither; without them the SDK's default chain (env, web identity, instance role) applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** All keys live under this folder of the bucket. */
  prefix?: string;
  /**
   * putIfAbsent via PutObject If-None-Match: * (atomic; AWS S3 and recent MinIO honour it).
   * false: HEAD then PUT, for stores that ignore the header (s3rver). That fallback RACES: two writers
   * can both see the key missing and both write (the last one wins, both get true).
   * Default: true for AWS (no endpoint), false for custom endpoints, where support is unknown.
   */
  conditionalWrites?: boolean;
  /** 'AES256' asks for SSE-S3 on every write; 'none' (default) leaves it to the bucket's default encryption. */
  sse?: 'AES256' | 'none';
  /** Budget of one attempt, response body included. Default 10 s. */
  requestTimeoutMs?: number;
  /** Default 4 attempts, 100 ms base, 2 s cap, full jitter. */
  retry?: Partial<Omit<RetryOptions, 'isRetryable'>>;
}

const DEFAULT_RETRY = { attempts: 4, baseMs: 100, maxMs: 2000, jitter: 'full' } as const;
const S3_PAGE_MAX = 1000;

export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly endpointLabel: string;
  private readonly conditionalWrites: boolean;
  private readonly sse: 'AES256' | undefined;
  private readonly timeoutMs: number;
  private readonly retryOptions: Omit<RetryOptions, 'isRetryable'>;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ? normalizeScope(options.prefix) : '';
    this.endpointLabel = options.endpoint ?? `https://s3.${options.region}.amazonaws.com`;
    this.conditionalWrites = options.conditionalWrites ?? options.endpoint === undefined;
    this.sse = options.sse === 'AES256' ? 'AES256' : undefined;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.retryOptions = { ...DEFAULT_RETRY, ...options.retry };
    this.client = createS3Client(options, this.timeoutMs);
  }

  async put(key: string, body: Uint8Array | string, opts: PutOptions = {}): Promise<void> {
    const input = this.putInput(key, toBytes(body), opts);
    await this.call('put', key, (signal) =>
      this.client.send(new PutObjectCommand(input), { abortSignal: signal }),
    );
  }

  async putIfAbsent(key: string, body: Uint8Array | string, opts: PutOptions = {}): Promise<boolean> {
    const bytes = toBytes(body);
    const input = this.putInput(key, bytes, opts);
    // After a failed attempt the write may have landed anyway (lost response, timeout). If the key then
    // holds exactly our bytes, that write was ours — or indistinguishable from it — so report success.
    // The MD5 is computed only then: hashing every chunk would cost CPU on the hot path.
    let previousAttemptFailed = false;
    let md5: string | undefined;
    const isOurs = (existing: ObjectInfo | null) => {
      if (!previousAttemptFailed || existing?.etag === undefined) return false;
      md5 ??= createHash('md5').update(bytes).digest('hex');
      return existing.etag === md5;
    };

    return this.call('putIfAbsent', key, async (signal) => {
      try {
        if (this.conditionalWrites) {
          try {
            await this.client.send(new PutObjectCommand({ ...input, IfNoneMatch: '*' }), {
              abortSignal: signal,
            });
            return true;
          } catch (error) {
            const { status, name } = describeSdkError(error);
            if (status === 412 || name === 'PreconditionFailed') {
              return previousAttemptFailed && isOurs(await this.headOnce(input.Key!, signal));
            }
            if (status === 409) {
              // ConditionalRequestConflict: a concurrent conditional write to this key is in flight.
              throw new StorageError(
                'unavailable',
                `A concurrent conditional write to '${key}' is in flight.`,
                {
                  operation: 'putIfAbsent',
                  cause: sdkCause(error),
                },
              );
            }
            throw error;
          }
        }
        const existing = await this.headOnce(input.Key!, signal);
        if (existing) return isOurs(existing);
        await this.client.send(new PutObjectCommand(input), { abortSignal: signal });
        return true;
      } catch (error) {
        previousAttemptFailed = true;
        throw error;
      }
    });
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array | null> {
    validateRange(range);
    const Key = this.fullKey(key);
    const Range = range && `bytes=${range.start}-${range.end ?? ''}`;
    return this.call('get', key, async (signal) => {
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, Range }), {
          abortSignal: signal,
        });
        return (await out.Body?.transformToByteArray()) ?? new Uint8Array(0);
      } catch (error) {
        const { status, name } = describeSdkError(error);
        if (name === 'NoSuchKey' || (status === 404 && name !== 'NoSuchBucket')) return null;
        if (status === 416 || name === 'InvalidRange') return new Uint8Array(0); // start past the end
        throw error;
      }
    });
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const Key = this.fullKey(key);
    const info = await this.call('head', key, (signal) => this.headOnce(Key, signal));
    return info && { ...info, key };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
    validatePrefix(prefix);
    const limit = resolveListLimit(opts.limit);
    const objects: ObjectInfo[] = [];
    let token = opts.cursor;
    const startAfter = opts.startAfter === undefined ? undefined : this.prefix + opts.startAfter;
    // S3 pages hold at most 1,000 keys; ask for exactly what is missing so the last token ends where we stop.
    do {
      const input = {
        Bucket: this.bucket,
        Prefix: this.prefix + prefix,
        MaxKeys: Math.min(S3_PAGE_MAX, limit - objects.length),
        ...(token ? { ContinuationToken: token } : { StartAfter: startAfter }),
      };
      const out = await this.call('list', prefix, (signal) =>
        this.client.send(new ListObjectsV2Command(input), { abortSignal: signal }),
      );
      for (const item of out.Contents ?? []) {
        objects.push({
          key: item.Key!.slice(this.prefix.length),
          size: item.Size ?? 0,
          etag: unquote(item.ETag),
          lastModified: item.LastModified,
        });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token && objects.length < limit);
    return token ? { objects, nextCursor: token } : { objects };
  }

  async delete(key: string): Promise<void> {
    const Key = this.fullKey(key);
    await this.call('delete', key, (signal) =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: signal }),
    );
  }

  /** DeleteObjects, up to 1,000 keys a request; a key S3 could not delete fails the call. */
  async deleteMany(keys: string[]): Promise<void> {
    for (let at = 0; at < keys.length; at += S3_PAGE_MAX) {
      const page = keys.slice(at, at + S3_PAGE_MAX);
      const Objects = page.map((key) => ({ Key: this.fullKey(key) }));
      const out = await this.call('delete', page[0], (signal) =>
        this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }),
          {
            abortSignal: signal,
          },
        ),
      );
      const failed = out.Errors?.[0];
      if (failed) {
        throw new StorageError(
          failed.Code === 'AccessDenied' ? 'access_denied' : 'unknown',
          `Deleting '${failed.Key?.slice(this.prefix.length)}' failed: ${failed.Code} ${failed.Message ?? ''}.`,
          {
            operation: 'delete',
            hint: 'Check the delete permission on the bucket; the delete can be retried.',
          },
        );
      }
    }
  }

  /** Lists at most one key under the prefix: proves endpoint, credentials, bucket and list permission. */
  async check(): Promise<void> {
    const input = { Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 };
    await this.call('check', undefined, (signal) =>
      this.client.send(new ListObjectsV2Command(input), { abortSignal: signal }),
    );
  }

  private fullKey(key: string): string {
    return this.prefix + validateKey(key);
  }

  private putInput(key: string, bytes: Uint8Array, opts: PutOptions): PutObjectCommandInput {
    return {
      Bucket: this.bucket,
      Key: this.fullKey(key),
      Body: bytes,
      ContentLength: bytes.byteLength,
      // No Content-MD5: SigV4 signs the body's SHA-256 (x-amz-content-sha256), which the service checks,
      // so a corrupted upload is rejected anyway. A second hash of every body cost 4 % of the CPU of a
      // busy messaging server.
      ContentType: opts.contentType ?? 'application/octet-stream',
      ...(this.sse ? { ServerSideEncryption: this.sse } : {}),
    };
  }

  private async headOnce(Key: string, signal: AbortSignal): Promise<ObjectInfo | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }), {
        abortSignal: signal,
      });
      return {
        key: Key,
        size: out.ContentLength ?? 0,
        etag: unquote(out.ETag),
        lastModified: out.LastModified,
      };
    } catch (error) {
      // A HEAD error has no body: 404 is a missing key (or bucket — indistinguishable without a body).
      if (describeSdkError(error).status === 404) return null;
      throw error;
    }
  }

  /** One logical operation: per-attempt timeout, error mapping, retry of transient failures. */
  private call<T>(
    operation: string,
    key: string | undefined,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const context = { operation, endpoint: this.endpointLabel, bucket: this.bucket, key };
    return retry(
      async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), this.timeoutMs);
        try {
          return await attempt(controller.signal);
        } catch (error) {
          if (controller.signal.aborted) {
            throw new StorageError(
              'timeout',
              `The S3 request (${operation}) to ${this.endpointLabel} timed out after ${this.timeoutMs} ms.`,
              {
                operation,
                hint: 'Check network connectivity to the endpoint and the health of the service.',
                cause: sdkCause(error),
              },
            );
          }
          throw toStorageError(error, context);
        } finally {
          clearTimeout(timer);
        }
      },
      { ...this.retryOptions, isRetryable: isRetryableStorageError },
    );
  }
}

function createS3Client(options: S3StoreOptions, timeoutMs: number): S3Client {
  const credentials =
    options.accessKeyId && options.secretAccessKey
      ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
      : undefined;
  return new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    credentials,
    // Retries are ours (retry.ts), so they are bounded, observable and aware of putIfAbsent's semantics.
    maxAttempts: 1,
    // Checksum headers only where S3 requires them: many S3-compatible stores reject the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 3000), requestTimeout: timeoutMs },
  });
}

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^"|"$/g, '');
}
