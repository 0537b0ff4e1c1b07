export { createObjectStore, type ObjectStoreSettings } from './create-object-store.ts';
export { DirectoryObjectStore } from './directory-store.ts';
export { isRetryableStorageError, StorageError, type StorageErrorCode } from './errors.ts';
export { compareKeys, validateKey, validatePrefix } from './keys.ts';
export {
  type ByteRange,
  DEFAULT_LIST_LIMIT,
  deleteKeys,
  type ListOptions,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  scopedStore,
} from './object-store.ts';
export { PROBE_PREFIX, type ProbeStep, probeObjectStore, StorageProbeError } from './probe-storage.ts';
export { backoffDelay, type RetryOptions, retry } from './retry.ts';
export { S3ObjectStore, type S3StoreOptions } from './s3-store.ts';
