import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../test/support/databases.ts';
import { waitFor } from '../../test/support/messaging/clients.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { RedisFanOut } from './fan-out/redis-fan-out.ts';
import { WriterBusyError, WriterLease, type WriterLeaseHooks } from './writer-lease.ts';

// Real Redis for the hand-over requests (scripts/test.sh starts it), the real database for the leases.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';
const silent = pino({ level: 'silent' });

describe.each(DATABASES)('writer leases between instances (%s)', (database) => {
  let t: TestApp;
  const fanOuts: RedisFanOut[] = [];
  const leases: WriterLease[] = [];

  beforeAll(async () => {
    t = await startTestApp({}, {}, { database });
  });
  afterAll(async () => {
    for (const lease of leases) await lease.close();
    for (const f of fanOuts) await f.close();
    await t?.close();
  });

  async function instance(ttlMs: number, hooks: Partial<WriterLeaseHooks> = {}) {
    const fanOut = new RedisFanOut(REDIS_URL, silent);
    await fanOut.ready();
    fanOuts.push(fanOut);
    const events: string[] = [];
    const lease: WriterLease = new WriterLease(
      t.ctx.db,
      fanOut,
      { ttlMs },
      {
        onAsked: (id) => {
          events.push(`asked ${id}`);
          if (hooks.onAsked) hooks.onAsked(id);
          else void lease.release(id);
        },
        onLost: (id) => {
          events.push(`lost ${id}`);
          hooks.onLost?.(id);
        },
      },
      silent,
    );
    leases.push(lease);
    return { lease, events };
  }

  const session = () => `s-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

  it('a held lease is handed over when another instance asks; the first one no longer holds it', async () => {
    const a = await instance(5000);
    const b = await instance(5000);
    const id = session();
    await a.lease.acquire(id);
    expect(a.lease.holds(id)).toBe(true);
    await b.lease.acquire(id);
    expect(b.lease.holds(id)).toBe(true);
    expect(a.lease.holds(id)).toBe(false);
    expect(a.events).toEqual([`asked ${id}`]);
  });

  it('a holder that does not hand over keeps the lease; the asker gets writer_busy after the TTL', async () => {
    const a = await instance(1000, { onAsked: () => {} });
    const b = await instance(1000);
    const id = session();
    await a.lease.acquire(id);
    const started = Date.now();
    await expect(b.lease.acquire(id)).rejects.toBeInstanceOf(WriterBusyError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(a.lease.holds(id)).toBe(true);
  });

  it('a holder that died (its lease is not renewed) is replaced once the lease expires', async () => {
    const b = await instance(5000);
    const id = session();
    await t.ctx.db
      .insertInto('log_writer_leases')
      .values({
        session_id: id,
        instance: 'dead-instance',
        expires_at: new Date(Date.now() + 800).toISOString(),
      })
      .execute();
    const started = Date.now();
    await b.lease.acquire(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(b.lease.holds(id)).toBe(true);
  });

  it('a holder whose lease was taken learns it at the next renewal and stops holding it', async () => {
    const a = await instance(600);
    const id = session();
    await a.lease.acquire(id);
    await t.ctx.db
      .updateTable('log_writer_leases')
      .set({ instance: 'someone-else' })
      .where('session_id', '=', id)
      .execute();
    await waitFor(() => a.events.includes(`lost ${id}`), 3000);
    expect(a.lease.holds(id)).toBe(false);
  });

  it('a holder trusts its lease only until 3/4 of the TTL without a renewal', async () => {
    const a = await instance(60_000);
    const id = session();
    await a.lease.acquire(id);
    // Renewals every 20 s; the lease was trusted for 45 s from its acquisition.
    expect(a.lease.holds(id)).toBe(true);
    const now = Date.now;
    try {
      Date.now = () => now() + 46_000;
      expect(a.lease.holds(id)).toBe(false);
    } finally {
      Date.now = now;
    }
  });
});
