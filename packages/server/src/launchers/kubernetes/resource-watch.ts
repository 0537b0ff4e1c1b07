import type { Watch } from '@kubernetes/client-node';
import { httpStatusOf } from './api-errors.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchedObject {
  metadata?: { name?: string; resourceVersion?: string; labels?: Record<string, string> };
}

export interface ResourceWatchOptions<T extends WatchedObject> {
  watch: Watch;
  /** Collection path, e.g. `/apis/batch/v1/namespaces/rfe-p/jobs`. */
  path: string;
  labelSelector: string;
  /** Lists the collection with the same selector: the starting state and the resourceVersion to watch from. */
  list: () => Promise<{ items: T[]; resourceVersion?: string }>;
  onEvent: (type: WatchEventType, object: T) => void;
  /** After each (re)list, with the monotonic time the list request started. */
  onListed?: (items: T[], startedAt: number) => void;
  onError: (err: unknown, verb: 'list' | 'watch') => void;
  retry: { minMs: number; maxMs: number };
}

/**
 * List, then watch from the list's resourceVersion; when the stream ends (server timeout, dropped connection)
 * watch again from the last resourceVersion seen (objects and bookmarks); when that is too old (410 Gone) list
 * again. The informer pattern, kept small so the launcher's reconnect behaviour is visible and tested.
 */
export class ResourceWatch<T extends WatchedObject> {
  private resourceVersion: string | undefined;
  private stopped = false;
  private controller: AbortController | undefined;
  private endCurrent: (() => void) | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: ResourceWatchOptions<T>) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
    this.endCurrent?.();
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let verb: 'list' | 'watch' = 'list';
      try {
        if (this.resourceVersion === undefined) await this.relist();
        verb = 'watch';
        const received = await this.watchOnce();
        if (received) failures = 0;
        await this.sleep(this.opts.retry.minMs);
      } catch (err) {
        if (this.stopped) return;
        if (httpStatusOf(err) === 410) this.resourceVersion = undefined;
        else this.opts.onError(err, verb);
        failures += 1;
        await this.sleep(Math.min(this.opts.retry.maxMs, this.opts.retry.minMs * 2 ** failures));
      }
    }
  }

  private async relist(): Promise<void> {
    const startedAt = performance.now();
    const { items, resourceVersion } = await this.opts.list();
    if (this.stopped) return;
    for (const item of items) this.opts.onEvent('ADDED', item);
    this.opts.onListed?.(items, startedAt);
    this.resourceVersion = resourceVersion;
  }

  /** Resolves when the stream ends normally (true if it carried anything); rejects on an error. */
  private watchOnce(): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let received = false;
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        this.endCurrent = undefined;
        if (err && !this.stopped) reject(err);
        else resolve(received);
      };
      this.endCurrent = () => finish();
      const params = {
        labelSelector: this.opts.labelSelector,
        allowWatchBookmarks: true,
        ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
      };
      const onLine = (type: string, object: T & { code?: number }) => {
        if (type === 'ERROR') {
          // A Status in the stream; 410 means our resourceVersion was compacted away.
          const error = Object.assign(
            new Error(String((object as { message?: string }).message ?? 'watch error')),
            {
              statusCode: object.code,
            },
          );
          this.controller?.abort();
          finish(error);
          return;
        }
        received = true;
        const version = object?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.opts.onEvent(type, object);
      };
      this.opts.watch
        .watch(this.opts.path, params, onLine, (err) => finish(err ?? undefined))
        .then((controller) => {
          this.controller = controller;
          if (this.stopped || settled) controller.abort();
        })
        .catch(finish);
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
