/**
 * Per-stage latency of our server, read from its Prometheus endpoint: histograms scraped before and after
 * a load, the difference turned into p50/p99 by linear interpolation inside the bucket (the stage buckets
 * are fine-grained where the tens-of-milliseconds budget is spent). Also the event loop's p99 lag and GC time.
 */
type Buckets = Map<string, Map<number, number>>; // series → upper bound → cumulative count

export interface Scrape {
  buckets: Buckets;
  gauges: Map<string, number>;
}

const SERIES = [
  ['receive', 'rfe_messages_runner_to_server_seconds_bucket', ''],
  ['queued', 'rfe_message_stage_seconds_bucket', 'stage="queued"'],
  ['storing', 'rfe_message_stage_seconds_bucket', 'stage="storing"'],
  ['ordering', 'rfe_message_stage_seconds_bucket', 'stage="ordering"'],
  ['fan-out', 'rfe_messages_server_to_ui_seconds_bucket', ''],
] as const;

export async function scrape(port: number): Promise<Scrape> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const buckets: Buckets = new Map();
  const gauges = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line) continue;
    const [name, value] = [
      line.slice(0, line.lastIndexOf(' ')),
      Number(line.slice(line.lastIndexOf(' ') + 1)),
    ];
    for (const [stage, metric, label] of SERIES) {
      if (!name.startsWith(`${metric}{`) || !name.includes(label)) continue;
      const le = /le="([^"]+)"/.exec(name)?.[1];
      if (!le) continue;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      const series = buckets.get(stage) ?? new Map<number, number>();
      series.set(bound, (series.get(bound) ?? 0) + value);
      buckets.set(stage, series);
    }
    if (name === 'nodejs_eventloop_lag_p99_seconds' || name === 'nodejs_eventloop_lag_max_seconds')
      gauges.set(name, value);
    if (name.startsWith('nodejs_gc_duration_seconds_sum'))
      gauges.set('gc_seconds', (gauges.get('gc_seconds') ?? 0) + value);
  }
  return { buckets, gauges };
}

function quantile(counts: [number, number][], q: number): number {
  const total = counts.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, count] of counts) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return previousBound; // beyond the last finite bucket
      const inBucket = count - previousCount;
      return previousBound + (bound - previousBound) * (inBucket ? (rank - previousCount) / inBucket : 0);
    }
    previousBound = bound;
    previousCount = count;
  }
  return previousBound;
}

export interface StageSummary {
  stage: string;
  count: number;
  p50ms: number;
  p99ms: number;
}

/** p50/p99 in ms of each stage over what happened between two scrapes. */
export function stagesBetween(before: Scrape, after: Scrape): StageSummary[] {
  return SERIES.map(([stage]) => {
    const a = after.buckets.get(stage) ?? new Map<number, number>();
    const b = before.buckets.get(stage) ?? new Map<number, number>();
    const counts = [...a.entries()]
      .map(([bound, count]) => [bound, count - (b.get(bound) ?? 0)] as [number, number])
      .sort((x, y) => x[0] - y[0]);
    return {
      stage,
      count: counts.at(-1)?.[1] ?? 0,
      p50ms: 1000 * quantile(counts, 0.5),
      p99ms: 1000 * quantile(counts, 0.99),
    };
  });
}
