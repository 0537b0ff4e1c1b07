import { preciseNow, summarize } from './stats.ts';
import type { Pair, System } from './systems.ts';

export interface LoadResult {
  system: string;
  load: string;
  messages: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

const FILLER = 'x'.repeat(100); // ~250-byte envelopes, a typical log line

async function openPairs(system: System, first: number, count: number): Promise<Pair[]> {
  const pairs = Array.from({ length: count }, (_, k) => system.open(first + k));
  await Promise.all(pairs.map((p) => p.ready()));
  return pairs;
}

async function waitAll(pairs: Pair[], each: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pairs.every((p) => p.received >= each)) {
    if (Date.now() > deadline) {
      const got = pairs.reduce((sum, p) => sum + p.received, 0);
      throw new Error(`only ${got} of ${each * pairs.length} messages arrived in ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function result(system: System, load: string, pairs: Pair[], seconds: number): LoadResult {
  const latencies = pairs.flatMap((p) => p.latencies);
  return {
    system: system.name,
    load,
    messages: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    ...summarize(latencies),
  };
}

/** Every runner sends `each` messages as fast as it can; done when every UI has all of them. */
export async function saturate(
  system: System,
  first: number,
  sessions: number,
  each: number,
): Promise<LoadResult> {
  const pairs = await openPairs(system, first, sessions);
  const started = performance.now();
  let sent = 0;
  for (let i = 0; i < each; i++) {
    for (const pair of pairs) {
      pair.send(`${preciseNow()} ${FILLER}`);
      // Let the sockets breathe, as a real producer would between outputs.
      if (++sent % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await waitAll(pairs, each, 120_000);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(pairs.map((p) => p.close()));
  return result(system, `${sessions} session${sessions > 1 ? 's' : ''}, saturated`, pairs, seconds);
}

/** `perSecond` messages spread evenly over the sessions for `seconds`. */
export async function steady(
  system: System,
  first: number,
  sessions: number,
  perSecond: number,
  seconds: number,
): Promise<LoadResult> {
  const pairs = await openPairs(system, first, sessions);
  const total = perSecond * seconds;
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * perSecond));
      for (; sent < due; sent++) pairs[sent % sessions].send(`${preciseNow()} ${FILLER}`);
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  await waitAll(pairs, Math.floor(total / sessions), 60_000);
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(pairs.map((p) => p.close()));
  return result(system, `${sessions} sessions, ${perSecond} msg/s steady`, pairs, elapsed);
}
