import type { MetadataStore } from './state/store.ts';
import type { AsyncDelays, FaultOptions } from './types.ts';
import type { WebhookDispatcher } from './webhooks/dispatcher.ts';

/** Request counters behind `forge.stats()`. */
export interface ForgeStats {
  requests: number;
  countedRequests: number;
  byRoute: Record<string, number>;
}

/** Everything a route or operation needs; built once by startForge. */
export interface ForgeContext {
  dataDir: string;
  reposDir: string;
  hooksDir: string;
  store: MetadataStore;
  now(): number;
  /** Filled in once the listening port is known. */
  urls: { web: string; api: string };
  faults: FaultOptions;
  webhooks: WebhookDispatcher;
  stats: ForgeStats;
  locks: KeyedLock;
  /** Work that outlives its HTTP response (post-push bookkeeping); `close()` waits for it. */
  background: BackgroundWork;
  delays: AsyncDelays;
  /** When each open PR's mergeability is "computed" for its current base/head (key `${repoId}/${number}`). */
  mergeability: Map<string, { baseSha: string; headSha: string; readyAt: number }>;
}

export class BackgroundWork {
  private running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/** Serialises async work per key (one repository's ref updates). */
export class KeyedLock {
  private tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
