import type { PublishedBatch } from '../fan-out/fan-out.ts';
import type { LogLine } from '../log/read-range.ts';
import type { MessagingMetrics } from '../metrics.ts';
import { preciseNow } from '../sequencer.ts';
import type { MessagingSettings } from '../settings.ts';

/** Where a stream sends frames. */
export interface StreamOutput {
  readonly open: boolean;
  readonly bufferedAmount: number;
  sendStoredMessage(line: string): void;
}

/** Where a stream reads what it has not received live. */
export interface StreamSource {
  readonly lastSeq: number;
  readPage(after: number, limit: number, maxBytes: number): Promise<LogLine[]>;
  /** Makes messages up to `seq` readable when another process writes the log. */
  catchUpTo(seq: number): Promise<void>;
  /** Re-reads what another process stored (no-op for the writer). */
  refresh(): Promise<void>;
  /**
   * How late messages another process writes may reach storage (group commit stages them): a live
   * stream looks at storage again this often. 0 when storage is never behind what was published.
   */
  readonly visibilityLagMs: number;
}

type Settings = Pick<
  MessagingSettings,
  'slowSubscriberBytes' | 'resumeBelowBytes' | 'replayPageMessages' | 'replayPageBytes'
>;

const POLL_MS = 10;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends one subscriber every message after its cursor, exactly once and in order. It is subscribed to
 * the fan-out before it starts, then replays from storage up to the log's end and switches to live
 * batches; anything it cannot take live — a gap in the fan-out, or a socket that is not draining — it
 * reads from storage instead, one page at a time once the socket has drained. So a slow reader costs a
 * bounded socket buffer, never a growing queue.
 */
export class SubscriberStream {
  #sent = 0;
  #live = false;
  #highestHeard = 0;
  #failed = false;
  #recheck: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly out: StreamOutput,
    private readonly source: StreamSource,
    private readonly settings: Settings,
    private readonly metrics: MessagingMetrics,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  get sentSeq(): number {
    return this.#sent;
  }

  /** Call after subscribing: sends everything after `cursor`, then stays live. */
  start(cursor: number): void {
    this.#sent = cursor;
    void this.#catchUp();
  }

  onBatch(batch: PublishedBatch): void {
    if (this.#failed || !this.out.open) return;
    this.#highestHeard = Math.max(this.#highestHeard, batch.last);
    if (!this.#live || batch.last <= this.#sent) return; // replay will get there
    if (batch.first > this.#sent + 1) {
      this.#fallBehind(false);
      return;
    }
    if (this.out.bufferedAmount > this.settings.slowSubscriberBytes) {
      this.#fallBehind(true);
      return;
    }
    for (let k = this.#sent + 1 - batch.first; k < batch.lines.length; k++) {
      this.out.sendStoredMessage(batch.lines[k]);
    }
    this.#sent = batch.last;
    this.metrics.serverToUi.observe(Math.max(0, preciseNow() - batch.persistedAt) / 1000);
  }

  #fallBehind(slow: boolean): void {
    if (slow) this.metrics.slowSubscribers.inc();
    this.#live = false;
    void this.#catchUp();
  }

  /**
   * On an instance that does not write the log, storage may hold less than the writer had published
   * before this stream subscribed (chunks still staged there): messages nobody will publish again.
   * Look at storage again after the lag, while live, and replay what appeared.
   */
  #scheduleRecheck(): void {
    const lag = this.source.visibilityLagMs;
    if (lag <= 0 || this.#recheck) return;
    this.#recheck = setTimeout(async () => {
      this.#recheck = undefined;
      if (this.#failed || !this.out.open || !this.#live) return;
      await this.source.refresh().catch(() => {}); // storage hiccup: look again next time
      if (this.#live && this.source.lastSeq > this.#sent) this.#fallBehind(false);
      else this.#scheduleRecheck();
    }, lag);
    this.#recheck.unref?.();
  }

  async #catchUp(): Promise<void> {
    try {
      for (;;) {
        while (this.out.open && this.out.bufferedAmount > this.settings.resumeBelowBytes)
          await sleep(POLL_MS);
        if (!this.out.open) return;
        if (this.#highestHeard > this.source.lastSeq) await this.source.catchUpTo(this.#highestHeard);
        // No await between this check and going live: a batch persisted after it arrives via onBatch.
        if (this.#sent >= this.source.lastSeq) {
          this.#live = true;
          this.#scheduleRecheck();
          return;
        }
        const page = await this.source.readPage(
          this.#sent,
          this.settings.replayPageMessages,
          this.settings.replayPageBytes,
        );
        if (page.length === 0)
          throw new Error(`no messages after ${this.#sent} although the log ends at ${this.source.lastSeq}`);
        for (const { seq, line } of page) {
          if (seq !== this.#sent + 1) throw new Error(`replay returned seq ${seq} after ${this.#sent}`);
          if (!this.out.open) return;
          this.out.sendStoredMessage(line);
          this.#sent = seq;
        }
      }
    } catch (error) {
      this.#failed = true;
      this.onFailure(error);
    }
  }
}
