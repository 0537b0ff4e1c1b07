/**
 * Conditional-request cache. Responses vary by Authorization, so entries are keyed by the credential scope
 * (e.g. "installation:42:acme/api:contents=read"), never shared between scopes. Bounded LRU.
 */
export interface CachedResponse {
  etag: string;
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

export class EtagCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(private readonly maxEntries = 5_000) {}

  private key(scope: string, url: string): string {
    return `${scope}\u0000${url}`;
  }

  get(scope: string, url: string): CachedResponse | undefined {
    const k = this.key(scope, url);
    const hit = this.entries.get(k);
    if (hit) {
      // Refresh recency.
      this.entries.delete(k);
      this.entries.set(k, hit);
    }
    return hit;
  }

  set(scope: string, url: string, value: CachedResponse): void {
    const k = this.key(scope, url);
    this.entries.delete(k);
    this.entries.set(k, value);
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
