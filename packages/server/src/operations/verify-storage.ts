import type { AppContext } from '../context.ts';
import { AppError, BadRequestError, UnprocessableError } from '../errors.ts';
import type { StorageInput } from '../routes/projects/schema.ts';
import { probeObjectStore, StorageProbeError } from '../storage/index.ts';
import {
  managedPrefix,
  openProjectStore,
  type S3Credentials,
  type StorageSettings,
} from './project-storage.ts';
import { checkStorageEndpoint } from './storage-endpoint-check.ts';

export interface VerifiedStorage {
  settings: StorageSettings;
  credentials?: S3Credentials;
  /** For managed storage: creates the project's prefix; run once the project row exists. */
  provision?: () => Promise<void>;
}

/** Checks storage settings and, for external S3, proves write/read/list/delete access with a probe object. */
export async function verifyStorage(
  ctx: AppContext,
  projectName: string,
  input: StorageInput,
): Promise<VerifiedStorage> {
  if (input.kind === 'managed') {
    const extra = (
      ['endpoint', 'region', 'bucket', 'prefix', 'accessKeyId', 'secretAccessKey'] as const
    ).find((k) => input[k] !== undefined);
    if (extra)
      throw new BadRequestError(
        `storage.${extra}: only external storage takes ${extra}; remove it or use kind "external".`,
        { field: `storage.${extra}` },
      );
    const settings: StorageSettings = { kind: 'managed', prefix: managedPrefix(projectName) };
    const store = openProjectStore(ctx, settings);
    return {
      settings,
      provision: async () => {
        await probeObjectStore(store).catch((err) => rethrowProbe(err, 'managed'));
        await store.put(
          '.rfe-project.json',
          JSON.stringify({ project: projectName, createdAt: new Date().toISOString() }),
        );
      },
    };
  }

  for (const field of ['bucket', 'accessKeyId', 'secretAccessKey'] as const) {
    if (!input[field]) {
      throw new BadRequestError(`storage.${field}: is required for external storage.`, {
        field: `storage.${field}`,
      });
    }
  }
  await checkStorageEndpoint(
    input.endpoint,
    ctx.config.storageEndpointAllow ?? ctx.config.authMode === 'dev',
  );
  const settings: StorageSettings = {
    kind: 'external',
    endpoint: input.endpoint,
    region: input.region ?? 'us-east-1',
    bucket: input.bucket!,
    prefix: input.prefix,
    forcePathStyle: input.forcePathStyle ?? true,
  };
  const credentials = { accessKeyId: input.accessKeyId!, secretAccessKey: input.secretAccessKey! };
  const store = openProjectStore(ctx, settings, credentials);
  await probeObjectStore(store).catch((err) => rethrowProbe(err, 'external'));
  return { settings, credentials };
}

function rethrowProbe(err: unknown, kind: 'managed' | 'external'): never {
  if (err instanceof StorageProbeError && kind === 'managed') {
    // The platform's own store is down: not the caller's fault, and worth retrying later.
    throw new AppError(
      503,
      'storage_unavailable',
      `The platform object store failed at step "${err.step}": ${err.message}`,
      {
        step: err.step,
        hint: err.hint,
      },
    );
  }
  if (err instanceof StorageProbeError && err.code === 'unknown') {
    // Whatever answered is not an object store; its answer (an internal page?) is not echoed.
    throw new UnprocessableError(
      'storage_not_s3',
      `The storage endpoint answered step "${err.step}" in a way no S3 service does: this endpoint does not speak S3. Check the endpoint URL.`,
      { step: err.step, storage: kind },
    );
  }
  if (err instanceof StorageProbeError) {
    throw new UnprocessableError(`storage_${err.code}`, err.message, {
      step: err.step,
      hint: err.hint,
      storage: kind,
    });
  }
  throw err;
}
