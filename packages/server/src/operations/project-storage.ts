import type { AppContext } from '../context.ts';
import type { ProjectsTable } from '../db/schema.ts';
import { createObjectStore, type ObjectStore, scopedStore } from '../storage/index.ts';

/** What a project row keeps about its storage; credentials live sealed in `storage_secret`. */
export type StorageSettings =
  | { kind: 'managed'; prefix: string }
  | {
      kind: 'external';
      endpoint?: string;
      region: string;
      bucket: string;
      prefix?: string;
      forcePathStyle: boolean;
    };

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const managedPrefix = (projectName: string): string => `projects/${projectName}/`;

/** Builds the object store a project's data lives in. */
export function openProjectStore(
  ctx: Pick<AppContext, 'platformStore'>,
  settings: StorageSettings,
  credentials?: S3Credentials,
): ObjectStore {
  if (settings.kind === 'managed') return scopedStore(ctx.platformStore, settings.prefix);
  return createObjectStore({
    driver: 's3',
    endpoint: settings.endpoint,
    region: settings.region,
    bucket: settings.bucket,
    prefix: settings.prefix,
    forcePathStyle: settings.forcePathStyle,
    accessKeyId: credentials?.accessKeyId,
    secretAccessKey: credentials?.secretAccessKey,
    // External stores may be s3rver/MinIO versions without conditional writes.
    conditionalWrites: false,
  });
}

/** Caches one store per project; invalidated when the project's storage changes. */
export class ProjectStores {
  private readonly cache = new Map<string, { settings: string; store: ObjectStore }>();

  constructor(private readonly ctx: Pick<AppContext, 'platformStore' | 'secretBox'>) {}

  storeFor(project: Pick<ProjectsTable, 'id' | 'storage_settings' | 'storage_secret'>): ObjectStore {
    const hit = this.cache.get(project.id);
    if (hit && hit.settings === project.storage_settings) return hit.store;
    const settings = JSON.parse(project.storage_settings) as StorageSettings;
    const credentials = project.storage_secret
      ? (JSON.parse(this.ctx.secretBox.open(project.storage_secret, project.id)) as S3Credentials)
      : undefined;
    const store = openProjectStore(this.ctx, settings, credentials);
    this.cache.set(project.id, { settings: project.storage_settings, store });
    return store;
  }

  forget(projectId: string): void {
    this.cache.delete(projectId);
  }
}
