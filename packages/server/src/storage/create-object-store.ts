import { DirectoryObjectStore } from './directory-store.ts';
import type { ObjectStore } from './object-store.ts';
import { S3ObjectStore } from './s3-store.ts';

export type ObjectStoreSettings =
  | { driver: 'directory'; root: string }
  | {
      driver: 's3';
      endpoint?: string;
      region: string;
      bucket: string;
      prefix?: string;
      forcePathStyle?: boolean;
      accessKeyId?: string;
      secretAccessKey?: string;
      /** See S3StoreOptions.conditionalWrites: default true for AWS, false for custom endpoints. */
      conditionalWrites?: boolean;
      sse?: 'AES256' | 'none';
      requestTimeoutMs?: number;
      maxAttempts?: number;
    };

/** The one place a storage driver is chosen from configuration. */
export function createObjectStore(settings: ObjectStoreSettings): ObjectStore {
  switch (settings.driver) {
    case 'directory':
      return new DirectoryObjectStore(settings.root);
    case 's3': {
      const { driver: _driver, maxAttempts, ...options } = settings;
      return new S3ObjectStore({
        ...options,
        retry: maxAttempts === undefined ? undefined : { attempts: maxAttempts },
      });
    }
  }
}
