import type { Channel, PersistedEnvelope } from '@rfe/protocol';
import { expect } from 'vitest';

/** Sends `count` log messages through the runner's outbox, in order; returns their ids. */
export async function sendMany(runner: Channel, count: number, label: string, pauseEvery = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const sent = await runner.send({ type: 'log', payload: { text: `${label} ${i}` } });
    ids.push(sent.id);
    if (pauseEvery && i % pauseEvery === pauseEvery - 1) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return ids;
}

/** The whole log through the API, page by page. */
export async function readLogOverHttp(messagesUrl: string, headers: Record<string, string>): Promise<{ seq: number; id: string }[]> {
  const all: { seq: number; id: string }[] = [];
  let after = 0;
  for (;;) {
    const res = await fetch(`${messagesUrl}?after=${after}&limit=1000`, { headers });
    if (res.status !== 200) throw new Error(`GET messages: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: { seq: number; id: string }[]; nextAfter: number; lastSeq: number };
    all.push(...page.items.map((m) => ({ seq: m.seq, id: m.id })));
    if (page.items.length === 0 || page.nextAfter >= page.lastSeq) return all;
    after = page.nextAfter;
  }
}

/** seq 1…n with exactly the sent ids, in the order sent: no gap, no duplicate, no reorder. */
export function expectExactlySent(messages: readonly Pick<PersistedEnvelope, 'seq' | 'id'>[], ids: readonly string[], what: string): void {
  const seqs = messages.map((m) => m.seq);
  const firstBad = seqs.findIndex((s, k) => s !== k + 1);
  expect(firstBad, `${what}: seq ${seqs[firstBad]} at position ${firstBad}`).toBe(-1);
  const got = messages.map((m) => m.id);
  const firstDiff = got.findIndex((id, k) => id !== ids[k]);
  expect(firstDiff, `${what}: id at position ${firstDiff} differs from the one sent`).toBe(-1);
  expect(got.length, `${what}: count`).toBe(ids.length);
}
