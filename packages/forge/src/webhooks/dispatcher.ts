import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookTarget } from '../types.ts';

export interface DeliveryRecord {
  id: string;
  event: string;
  url: string;
  status: number | 'error';
  attempts: number;
}

const RETRY_DELAYS_MS = [250, 1000];
const TIMEOUT_MS = 10_000;

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs events to the configured URLs in the background, like GitHub: JSON body, `X-GitHub-Event`,
 * `X-GitHub-Delivery`, `X-Hub-Signature-256`. A failed delivery is retried twice, then recorded and dropped.
 */
export class WebhookDispatcher {
  private targets: WebhookTarget[];
  private pending = new Set<Promise<void>>();
  readonly deliveries: DeliveryRecord[] = [];
  private closed = false;

  constructor(targets: WebhookTarget[] = []) {
    this.targets = targets;
  }

  setTargets(targets: WebhookTarget[]): void {
    this.targets = [...targets];
  }

  /** Lets callers skip building payloads nobody will receive. */
  get active(): boolean {
    return !this.closed && this.targets.length > 0;
  }

  emit(event: string, payload: Record<string, unknown>): void {
    if (this.closed) return;
    const body = JSON.stringify(payload);
    for (const target of this.targets) {
      const p = this.deliver(target, event, body).catch(() => undefined);
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
  }

  /** Resolves when every delivery started so far has finished (tests and shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private async deliver(target: WebhookTarget, event: string, body: string): Promise<void> {
    const id = randomUUID();
    const record: DeliveryRecord = { id, event, url: target.url, status: 'error', attempts: 0 };
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt - 1]));
      if (this.closed && attempt > 0) break;
      record.attempts = attempt + 1;
      try {
        const res = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'GitHub-Hookshot/forge',
            'x-github-event': event,
            'x-github-delivery': id,
            'x-github-hook-id': '1',
            'x-hub-signature-256': signBody(target.secret, body),
          },
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.status = res.status;
        if (res.status < 500 && res.status !== 429) break;
      } catch {
        record.status = 'error';
      }
    }
    this.deliveries.push(record);
    if (this.deliveries.length > 200) this.deliveries.shift();
  }
}
