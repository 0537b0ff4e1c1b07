import { deleteKeys, type ObjectStore } from '../../storage/index.ts';
import { getWithRetry, putImmutable, putReplacing, type WritePolicy, withRetry } from './durable-write.ts';
import { asBuffer, marksOf } from './jsonl.ts';
import { CHUNK_PREFIX, chunkKey, parseChunkKey, segmentKey } from './layout.ts';
import type { Limiter } from './limiter.ts';
import type { ChunkEntry, SegmentEntry } from './log-index.ts';
import type { LogState } from './recover-log.ts';

export interface CompactionSettings {
  /** A segment is closed once it reaches this size (default 50 MB). */
  segmentBytes: number;
  /** This many chunks of one level are merged into one chunk of the next level. */
  mergeFanIn: number;
}

export type CompactionKind = 'merge' | 'segment';

/**
 * Keeps the number of objects small without rewriting much. Chunks merge in levels, `mergeFanIn` at a
 * time (each message is rewritten once per level, a logarithmic number of times); once the chunks hold a
 * segment's worth they become the next `messages-NNNN.jsonl`. Sealing (session end, shutdown) turns all
 * chunks into a segment, extending the last segment while it is below the limit: the extended object
 * starts with the old bytes, so offsets a reader already holds stay valid.
 *
 * Every job writes its output, then the index, then deletes its inputs: a crash in between leaves only
 * garbage, never a hole. Jobs run one at a time per log and pick their inputs when they start.
 */
export class Compactor {
  #chain: Promise<unknown> = Promise.resolve();
  #busy = false;
  #again = false;
  #stopped = false;
  #draining: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    private readonly state: LogState,
    private readonly settings: CompactionSettings,
    private readonly policy: WritePolicy,
    private readonly limiter: Limiter,
    private readonly writeIndex: () => Promise<void>,
    /** This process's writer epoch, recorded in the index before its first write. */
    private readonly claim: () => Promise<number>,
    private readonly observe: (kind: CompactionKind, seconds: number) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Called after each append: starts background compaction when chunks pile up. Never blocks. */
  poke(): void {
    if (this.#stopped) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    this.#draining = this.#drain();
  }

  /** Resolves once background compaction has nothing left to do (for now). */
  async settled(): Promise<void> {
    while (this.#busy) await this.#draining;
  }

  /** Every chunk into a segment; resolves when the index says so. */
  seal(): Promise<void> {
    return this.#exclusive(async () => {
      await this.claim();
      const inputs = this.#storedChunks();
      if (inputs.length > 0) await this.#toSegment(inputs);
      await this.#deleteGarbage();
    });
  }

  /** Waits for the job running now, if any. */
  async idle(): Promise<void> {
    await this.#chain.catch(() => {});
  }

  /** No new background jobs; `seal` still works. */
  stop(): void {
    this.#stopped = true;
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        this.#again = false;
        const worked = await this.#exclusive(() => this.#runNextJob());
        if (this.#stopped || (!worked && !this.#again)) break;
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.#busy = false;
    }
  }

  #exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(() => this.limiter.run(job));
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Chunks in the session folder: staged ones (the last `staged`) are not there yet. */
  #storedChunks(): ChunkEntry[] {
    const { chunks, staged } = this.state;
    return chunks.slice(0, chunks.length - staged);
  }

  async #runNextJob(): Promise<boolean> {
    const chunks = this.#storedChunks();
    let total = 0;
    for (let i = 0; i < chunks.length; i++) {
      total += chunks[i].bytes;
      if (total >= this.settings.segmentBytes) {
        await this.#toSegment(chunks.slice(0, i + 1));
        return true;
      }
    }
    // Levels never increase from older to newer chunks, so equal levels sit together.
    for (let i = 0; i + this.settings.mergeFanIn <= chunks.length; ) {
      let j = i;
      while (j < chunks.length && chunks[j].level === chunks[i].level) j++;
      if (j - i >= this.settings.mergeFanIn) {
        await this.#merge(chunks.slice(i, i + this.settings.mergeFanIn));
        return true;
      }
      i = j;
    }
    return false;
  }

  async #merge(inputs: ChunkEntry[]): Promise<void> {
    const started = performance.now();
    const first = inputs[0].first;
    const last = inputs[inputs.length - 1].last;
    const bytes = Buffer.concat(await Promise.all(inputs.map((c) => this.#bytesOf(c.key))));
    const merged: ChunkEntry = {
      key: chunkKey(first, last, await this.claim()),
      first,
      last,
      bytes: bytes.length,
      marks: marksOf(bytes, first),
      level: inputs[0].level + 1,
    };
    await putImmutable(this.store, merged.key, bytes, this.policy);
    this.#replaceChunks(inputs, merged);
    await this.#finish(inputs, 'merge', started);
  }

  async #toSegment(inputs: ChunkEntry[]): Promise<void> {
    const started = performance.now();
    const { segments } = this.state;
    const previous = segments[segments.length - 1];
    const inputBytes = inputs.reduce((sum, c) => sum + c.bytes, 0);
    const extend = previous !== undefined && previous.bytes + inputBytes <= this.settings.segmentBytes;
    const parts = await Promise.all(inputs.map((c) => this.#bytesOf(c.key)));
    if (extend) parts.unshift(await this.#bytesOf(previous.key));
    const bytes = Buffer.concat(parts);
    const first = extend ? previous.first : inputs[0].first;
    const segment: SegmentEntry = {
      key: extend ? previous.key : segmentKey((previous?.number ?? 0) + 1),
      number: extend ? previous.number : (previous?.number ?? 0) + 1,
      first,
      last: inputs[inputs.length - 1].last,
      bytes: bytes.length,
      marks: marksOf(bytes, first),
    };
    // Replacing, not putIfAbsent: an interrupted earlier attempt may have left a shorter object here.
    await putReplacing(this.store, segment.key, bytes, this.policy);
    if (extend) segments[segments.length - 1] = segment;
    else segments.push(segment);
    this.#replaceChunks(inputs, null);
    await this.#finish(inputs, 'segment', started);
  }

  #replaceChunks(inputs: ChunkEntry[], merged: ChunkEntry | null): void {
    const at = this.state.chunks.indexOf(inputs[0]);
    if (at < 0 || this.state.chunks[at + inputs.length - 1] !== inputs[inputs.length - 1]) {
      throw new Error('compaction inputs changed underneath the compactor');
    }
    if (merged) this.state.chunks.splice(at, inputs.length, merged);
    else this.state.chunks.splice(at, inputs.length);
    for (const c of inputs) this.state.fresh.delete(c.key);
  }

  async #finish(inputs: ChunkEntry[], kind: CompactionKind, started: number): Promise<void> {
    await this.writeIndex();
    // Leftovers of a failed delete are garbage the next seal removes; readers never see them.
    await deleteKeys(
      this.store,
      inputs.map((c) => c.key),
    ).catch(() => {});
    this.observe(kind, (performance.now() - started) / 1000);
  }

  async #bytesOf(key: string): Promise<Buffer> {
    const fresh = this.state.fresh.get(key);
    if (fresh) return fresh;
    const bytes = await getWithRetry(this.store, key, this.policy);
    if (bytes === null) throw new Error(`${key} is in the index but missing from the store`);
    return asBuffer(bytes);
  }

  /** Chunks wholly inside the segments and not in the index: leftovers of interrupted compactions. */
  async #deleteGarbage(): Promise<void> {
    const covered = this.state.segments[this.state.segments.length - 1]?.last ?? 0;
    const live = new Set(this.state.chunks.map((c) => c.key));
    let cursor: string | undefined;
    do {
      const page = await withRetry(
        CHUNK_PREFIX,
        this.policy,
        () => this.store.list(CHUNK_PREFIX, { cursor }),
        3,
      );
      const garbage = page.objects
        .map((object) => object.key)
        .filter((key) => {
          const range = parseChunkKey(key);
          return range !== null && range.last <= covered && !live.has(key);
        });
      await deleteKeys(this.store, garbage).catch(() => {});
      cursor = page.nextCursor;
    } while (cursor);
  }
}
