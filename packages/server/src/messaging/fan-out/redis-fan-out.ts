import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BatchListener, FanOut, PublishedBatch, WriterSignals } from './fan-out.ts';
import { InProcessFanOut } from './in-process-fan-out.ts';

const channelOf = (sessionId: string) => `rfe:messages:${sessionId}`;
const yieldChannelOf = (instance: string) => `rfe:writer-yield:${instance}`;

interface Envelope {
  from: string;
  batch: PublishedBatch;
}

/**
 * Fan-out across server instances through Redis pub/sub: subscribers in this process get a batch
 * directly, the other instances through the session's channel (this instance ignores its own echo).
 * Pub/sub does not store anything: a message lost while Redis reconnects shows up as a seq gap,
 * which the subscriber fills from storage.
 */
export class RedisFanOut implements FanOut, WriterSignals {
  readonly kind = 'redis' as const;
  readonly writerSignals: WriterSignals = this;
  readonly instance = randomUUID();
  readonly #local = new InProcessFanOut();
  readonly #yieldListeners: ((sessionId: string) => void)[] = [];
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #subscribed = new Map<string, Promise<unknown>>();
  #lastWarning = 0;

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    // No offline queue for publishing: while Redis is away, batches are dropped (subscribers elsewhere
    // catch up from storage) instead of piling up in memory.
    this.#publisher = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    this.#subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on('error', (err) => this.logger.warn({ err }, 'redis fan-out connection error'));
    }
    this.#subscriber.on('message', (channel: string, text: string) => {
      if (channel === yieldChannelOf(this.instance))
        for (const listener of this.#yieldListeners) listener(text);
      else this.#receive(text);
    });
  }

  /** Resolves when both connections are up; a missing Redis fails here instead of later. */
  async ready(): Promise<void> {
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]);
    await this.#subscriber.subscribe(yieldChannelOf(this.instance));
  }

  askToYield(instance: string, sessionId: string): void {
    this.#publisher.publish(yieldChannelOf(instance), sessionId).catch(() => {
      // the asker waits for the lease to expire instead
    });
  }

  onAskedToYield(listener: (sessionId: string) => void): void {
    this.#yieldListeners.push(listener);
  }

  publish(batch: PublishedBatch): void {
    this.#local.publish(batch);
    const message: Envelope = { from: this.instance, batch };
    this.#publisher.publish(channelOf(batch.sessionId), JSON.stringify(message)).catch((err: unknown) => {
      if (Date.now() - this.#lastWarning < 5000) return;
      this.#lastWarning = Date.now();
      this.logger.warn({ err }, 'redis publish failed; remote subscribers catch up from storage');
    });
  }

  async subscribe(sessionId: string, listener: BatchListener): Promise<() => void> {
    const remove = this.#local.add(sessionId, listener);
    let subscribing = this.#subscribed.get(sessionId);
    if (!subscribing) {
      subscribing = this.#subscriber.subscribe(channelOf(sessionId));
      this.#subscribed.set(sessionId, subscribing);
    }
    try {
      await subscribing;
    } catch (error) {
      this.#subscribed.delete(sessionId);
      remove();
      throw error;
    }
    return () => {
      remove();
      if (this.#local.subscriberCount(sessionId) === 0 && this.#subscribed.has(sessionId)) {
        this.#subscribed.delete(sessionId);
        this.#subscriber.unsubscribe(channelOf(sessionId)).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    await this.#local.close();
    await Promise.allSettled([this.#publisher.quit(), this.#subscriber.quit()]);
  }

  #receive(text: string): void {
    let message: Envelope;
    try {
      message = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (message.from === this.instance) return;
    this.#local.publish(message.batch);
  }
}
