import { randomUUID } from 'node:crypto';
import { StorageError, type StorageErrorCode } from './errors.ts';
import type { ObjectStore } from './object-store.ts';

export type ProbeStep = 'connect' | 'write' | 'read' | 'list' | 'delete';

const STEP_LABEL: Record<ProbeStep, string> = {
  connect: 'Connecting to the store',
  write: 'Writing the probe object',
  read: 'Reading the probe object back',
  list: 'Listing the probe object',
  delete: 'Deleting the probe object',
};

/** A failed storage probe: which step failed, the StorageError code, and what to check (`hint`). */
export class StorageProbeError extends StorageError {
  readonly step: ProbeStep;

  constructor(step: ProbeStep, code: StorageErrorCode, description: string, hint: string, cause?: unknown) {
    super(code, `${STEP_LABEL[step]} failed: ${description}`, { hint, operation: `probe:${step}`, cause });
    this.name = 'StorageProbeError';
    this.step = step;
  }
}

export const PROBE_PREFIX = '.rfe-probe/';

/**
 * Proves a store is usable before anything depends on it: check, then write (and a second conditional
 * write that must be refused), read back and compare, list, delete. Throws StorageProbeError naming the
 * failed step; the probe object is removed even when a later step fails.
 */
export async function probeObjectStore(store: ObjectStore): Promise<void> {
  const key = `${PROBE_PREFIX}${randomUUID()}`;
  const body = new TextEncoder().encode(`rfe-workbench storage probe ${key}`);
  let mayExist = false;
  try {
    await step('connect', () => store.check());
    await step('write', async () => {
      mayExist = true;
      if (!(await store.putIfAbsent(key, body, { contentType: 'text/plain' }))) {
        throw new StorageProbeError('write', 'unknown', `The fresh key ${key} was reported as existing.`, '');
      }
      if (await store.putIfAbsent(key, body, { contentType: 'text/plain' })) {
        throw new StorageProbeError(
          'write',
          'conditional_writes_ignored',
          'The store overwrote an existing object on a conditional write (If-None-Match ignored).',
          'Set conditionalWrites: false for this store, or use a server that supports conditional writes.',
        );
      }
    });
    await step('read', async () => {
      const read = await store.get(key);
      if (!read || Buffer.compare(Buffer.from(read), Buffer.from(body)) !== 0) {
        throw new StorageProbeError(
          'read',
          'read_mismatch',
          `The probe object read back ${read ? `${read.byteLength} different bytes` : 'as missing'}.`,
          'Check that the endpoint is not a caching proxy and that the store is strongly consistent.',
        );
      }
    });
    await step('list', async () => {
      const page = await store.list(key, { limit: 10 });
      if (!page.objects.some((object) => object.key === key)) {
        throw new StorageProbeError(
          'list',
          'list_mismatch',
          `The probe object ${key} was written but is missing from the listing.`,
          'Check that the credentials may list the bucket (s3:ListBucket) under the prefix.',
        );
      }
    });
    await step('delete', async () => {
      await store.delete(key);
      mayExist = false;
      if (await store.head(key)) {
        throw new StorageProbeError(
          'delete',
          'unknown',
          `The probe object ${key} still exists after deletion.`,
          'Check the bucket for object lock or versioning rules that block deletes.',
        );
      }
    });
  } finally {
    if (mayExist) await store.delete(key).catch(() => undefined); // best effort: the step's error matters more
  }
}

async function step(name: ProbeStep, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof StorageProbeError) throw error;
    if (error instanceof StorageError) {
      throw new StorageProbeError(name, error.code, error.description, error.hint, error);
    }
    throw new StorageProbeError(name, 'unknown', (error as Error)?.message ?? String(error), '', error);
  }
}
