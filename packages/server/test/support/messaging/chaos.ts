import type { Channel, PersistedEnvelope } from '@rfe/protocol';
import { expect } from 'vitest';

/**
 * Sends `count` log messages through the runner's outbox, in order, at about `perSecond` (a runner
 * produces output over time; dumping everything at once only measures the outbox). Returns the ids.
 */
export async function sendMany(
  runner: Channel,
  count: number,
  label: string,
  perSecond = 5000,
): Promise<string[]> {
  const ids: string[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const sent = await runner.send({ type: 'log', payload: { text: `${label} ${i}` } });
    ids.push(sent.id);
    const ahead = (i + 1) / perSecond - (performance.now() - started) / 1000;
    if (ahead > 0.01 || i % 200 === 199)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, ahead * 1000)));
  }
  return ids;
}

/**
 * Counts the server's acks from now on (an ack lost with a cut comes again after the resend); cheaper
 * than Channel.drained on a long outbox.
 */
export function trackAcks(runner: Channel): {
  all(ids: readonly string[], timeoutMs: number): Promise<void>;
} {
  const acked = new Set<string>();
  runner.on('ack', (ack) => acked.add(ack.id));
  return {
    async all(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = ids.filter((id) => !acked.has(id)).length;
        if (missing === 0) return;
        if (Date.now() > deadline) throw new Error(`${missing} messages not acknowledged in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** The whole log through the API, page by page. */
export async function readLogOverHttp(
  messagesUrl: string,
  headers: Record<string, string>,
): Promise<{ seq: number; id: string }[]> {
  const all: { seq: number; id: string }[] = [];
  let after = 0;
  for (;;) {
    const res = await fetch(`${messagesUrl}?after=${after}&limit=1000`, { headers });
    if (res.status !== 200) throw new Error(`GET messages: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as {
      items: { seq: number; id: string }[];
      nextAfter: number;
      lastSeq: number;
    };
    all.push(...page.items.map((m) => ({ seq: m.seq, id: m.id })));
    if (page.items.length === 0 || page.nextAfter >= page.lastSeq) return all;
    after = page.nextAfter;
  }
}

/** seq 1…n with exactly the sent ids, in the order sent: no gap, no duplicate, no reorder. */
export function expectExactlySent(
  messages: readonly Pick<PersistedEnvelope, 'seq' | 'id'>[],
  ids: readonly string[],
  what: string,
): void {
  const seqs = messages.map((m) => m.seq);
  const firstBad = seqs.findIndex((s, k) => s !== k + 1);
  expect(firstBad, `${what}: seq ${seqs[firstBad]} at position ${firstBad}`).toBe(-1);
  const got = messages.map((m) => m.id);
  const firstDiff = got.findIndex((id, k) => id !== ids[k]);
  expect(firstDiff, `${what}: id at position ${firstDiff} differs from the one sent`).toBe(-1);
  expect(got.length, `${what}: count`).toBe(ids.length);
}
