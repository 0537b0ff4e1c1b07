import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { WriterSignals } from './fan-out/fan-out.ts';

/** Another instance holds the session's log and did not hand it over in time: try again shortly. */
export class WriterBusyError extends AppError {
  constructor(sessionId: string, holder: string, waitedMs: number) {
    super(
      503,
      'writer_busy',
      `Another server instance (${holder.slice(0, 8)}) writes session ${sessionId}'s message log and did not hand it over within ${Math.round(waitedMs / 1000)} s; reconnect or retry shortly.`,
    );
  }
}

export interface WriterLeaseSettings {
  /** How long a lease lasts without renewal; the holder renews every third of it. */
  ttlMs: number;
}

export interface WriterLeaseHooks {
  /** Another instance asked for the session (its runner reconnected there): hand it over gracefully. */
  onAsked(sessionId: string): void;
  /** The lease could not be renewed in time or was taken: stop writing at once, acknowledge nothing more. */
  onLost(sessionId: string): void;
}

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * With several instances (Redis fan-out), exactly one instance writes a session's message log: the
 * holder of its lease (table log_writer_leases). An instance that must write — a runner connected to
 * it, a prompt arrived, the backend records an outcome — acquires the lease first: free or expired, it
 * is taken at once; held, the holder is asked to hand over (it stops accepting, stores what it
 * acknowledged, then releases) and the asker waits, at most until the lease expires. The holder trusts
 * its lease only until a quarter of the TTL before its expiry as last renewed, and acknowledges nothing
 * after that, so a holder that cannot reach the database stops before anyone else may start. The log's
 * writer epochs remain the fence in storage: a late chunk of the old holder is not read as log.
 */
export class WriterLease {
  readonly instance: string;
  /** Session → until when (ms) this instance may acknowledge writes. */
  readonly #held = new Map<string, number>();
  readonly #acquiring = new Map<string, Promise<void>>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly signals: WriterSignals,
    private readonly settings: WriterLeaseSettings,
    private readonly hooks: WriterLeaseHooks,
    private readonly logger: Logger,
  ) {
    this.instance = signals.instance;
    signals.onAskedToYield((sessionId) => {
      if (this.#held.has(sessionId)) hooks.onAsked(sessionId);
    });
    this.#timer = setInterval(() => void this.renew(), Math.max(50, settings.ttlMs / 3));
    this.#timer.unref();
  }

  /** True while this instance may write and acknowledge for the session. */
  holds(sessionId: string): boolean {
    const until = this.#held.get(sessionId);
    return until !== undefined && Date.now() < until;
  }

  /** Waits until this instance holds the session's lease; WriterBusyError after TTL + a second. */
  acquire(sessionId: string): Promise<void> {
    if (this.holds(sessionId)) return Promise.resolve();
    let acquiring = this.#acquiring.get(sessionId);
    if (!acquiring) {
      acquiring = this.#acquire(sessionId).finally(() => this.#acquiring.delete(sessionId));
      this.#acquiring.set(sessionId, acquiring);
    }
    return acquiring;
  }

  /** Gives the session up (handed over, unloaded, shutting down). */
  async release(sessionId: string): Promise<void> {
    this.#held.delete(sessionId);
    await this.db
      .deleteFrom('log_writer_leases')
      .where('session_id', '=', sessionId)
      .where('instance', '=', this.instance)
      .execute();
  }

  /** Extends every lease this instance holds; sessions found taken or not renewed in time are lost. */
  renew(): Promise<void> {
    this.#renewing ??= this.#renew().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  /** Stops renewing and releases every lease (after the sessions were stored). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    const held = [...this.#held.keys()];
    this.#held.clear();
    if (held.length === 0) return;
    await this.db
      .deleteFrom('log_writer_leases')
      .where('instance', '=', this.instance)
      .execute()
      .catch(() => {});
  }

  async #acquire(sessionId: string): Promise<void> {
    const started = Date.now();
    const deadline = started + this.settings.ttlMs + 1000;
    let askedAt = 0;
    for (;;) {
      const now = Date.now();
      if (await this.#take(sessionId, now)) {
        this.#held.set(sessionId, now + this.#trustMs);
        return;
      }
      const holder = await this.db
        .selectFrom('log_writer_leases')
        .select(['instance', 'expires_at'])
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      if (holder && Date.now() - askedAt > 1000) {
        askedAt = Date.now();
        this.signals.askToYield(holder.instance, sessionId);
      }
      if (Date.now() > deadline)
        throw new WriterBusyError(sessionId, holder?.instance ?? '?', Date.now() - started);
      await sleep(50);
    }
  }

  /** Takes the lease when it is free, expired or already ours. */
  async #take(sessionId: string, now: number): Promise<boolean> {
    const expires = iso(now + this.settings.ttlMs);
    const result = await this.db
      .insertInto('log_writer_leases')
      .values({ session_id: sessionId, instance: this.instance, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('session_id')
          .doUpdateSet({ instance: this.instance, expires_at: expires })
          .where((eb) =>
            eb.or([
              eb('log_writer_leases.expires_at', '<', iso(now)),
              eb('log_writer_leases.instance', '=', this.instance),
            ]),
          ),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** A lease is trusted until a quarter of the TTL before its expiry (clock skew, a slow commit). */
  get #trustMs(): number {
    return (this.settings.ttlMs * 3) / 4;
  }

  async #renew(): Promise<void> {
    if (this.#held.size === 0) return;
    const started = Date.now();
    // Leases taken while this renewal runs are not judged by it.
    const judged = [...this.#held.keys()];
    let mine: Set<string> | undefined;
    try {
      await this.db
        .updateTable('log_writer_leases')
        .set({ expires_at: iso(started + this.settings.ttlMs) })
        .where('instance', '=', this.instance)
        .execute();
      const rows = await this.db
        .selectFrom('log_writer_leases')
        .select('session_id')
        .where('instance', '=', this.instance)
        .execute();
      mine = new Set(rows.map((r) => r.session_id));
    } catch (err) {
      this.logger.warn({ err }, 'could not renew the message-log writer leases; trying again shortly');
    }
    for (const sessionId of judged) {
      const until = this.#held.get(sessionId);
      if (until === undefined) continue; // released meanwhile
      if (mine?.has(sessionId)) this.#held.set(sessionId, started + this.#trustMs);
      else if (mine || Date.now() >= until) {
        this.#held.delete(sessionId);
        this.hooks.onLost(sessionId);
      }
    }
  }
}
