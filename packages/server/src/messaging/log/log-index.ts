import type { Marks } from './jsonl.ts';

/** One immutable object of the log and the seq range it holds. */
export interface LogObject {
  key: string;
  first: number;
  last: number;
  bytes: number;
  marks: Marks;
}

/** A chunk written as messages arrived (level 0) or merged from `mergeFanIn` chunks of the level below. */
export interface ChunkEntry extends LogObject {
  level: number;
}

export interface SegmentEntry extends LogObject {
  number: number;
}

/** A writer incarnation: from `firstSeq` on, only chunks of `epoch` count (until the next epoch). */
export interface WriterEpoch {
  epoch: number;
  firstSeq: number;
}

/**
 * `index.json`. Segments then chunks cover seqs 1‥lastSeq without gap or overlap. Written after every
 * compaction and shortly after appends; chunks newer than it are found by listing (their keys carry
 * the seq range), so a stale index loses nothing.
 */
export interface LogIndexFile {
  format: 1;
  messageCount: number;
  lastSeq: number;
  lastUpdated: string;
  segments: SegmentEntry[];
  chunks: ChunkEntry[];
  /** Input messages the runner had not acknowledged when this was written. */
  pendingInputs: number[];
  /**
   * Writers, each recorded here before its first write. A chunk beyond `lastSeq` counts only if its
   * epoch owns its first seq: a dead writer's chunk that landed after its successor took over (a
   * pipelined write, an S3 PUT completing late) is ignored instead of read as part of the log.
   */
  epochs: WriterEpoch[];
}

export function emptyIndex(): LogIndexFile {
  return {
    format: 1,
    messageCount: 0,
    lastSeq: 0,
    lastUpdated: new Date(0).toISOString(),
    segments: [],
    chunks: [],
    pendingInputs: [],
    epochs: [],
  };
}

export function parseIndex(bytes: Uint8Array | null): LogIndexFile {
  if (!bytes) return emptyIndex();
  const file = JSON.parse(Buffer.from(bytes).toString('utf8')) as LogIndexFile;
  if (file.format !== 1) throw new Error(`index.json has unknown format ${String(file.format)}`);
  return file;
}

/** Whether a chunk found beyond the index was written by the writer that owned its seqs. */
export function ownedByItsEpoch(
  epochs: readonly WriterEpoch[],
  chunk: { first: number; last: number; epoch: number },
): boolean {
  let owner = -1;
  for (let i = 0; i < epochs.length; i++) if (epochs[i].firstSeq <= chunk.first) owner = i;
  if (owner < 0 || epochs[owner].epoch !== chunk.epoch) return false;
  const next = epochs[owner + 1];
  return next === undefined || chunk.last < next.firstSeq;
}

/** Epochs still needed to judge chunks beyond `lastSeq`: the one owning lastSeq + 1 and later ones. */
export function liveEpochs(epochs: readonly WriterEpoch[], lastSeq: number): WriterEpoch[] {
  let from = 0;
  for (let i = 0; i < epochs.length; i++) if (epochs[i].firstSeq <= lastSeq + 1) from = i;
  return epochs.slice(from);
}

/** Position of the first object whose range reaches `seq` (objects sorted, contiguous); -1 if none. */
export function locate(objects: readonly LogObject[], seq: number): number {
  let lo = 0;
  let hi = objects.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (objects[mid].last >= seq) {
      found = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return found !== -1 && objects[found].first <= seq ? found : -1;
}

/**
 * The byte range of `object` that holds seqs from..to (inclusive, clamped to the object), widened to the
 * nearest marks: at most one mark interval of extra bytes on either side.
 */
export function byteRangeFor(
  object: LogObject,
  from: number,
  to: number,
): { start: number; end: number; startSeq: number } {
  const { marks } = object;
  const pairs = marks.length / 2;
  let lo = 0;
  let hi = pairs - 1;
  let startPair = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid * 2] <= from) {
      startPair = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  let end = object.bytes - 1;
  for (let p = startPair + 1; p < pairs; p++) {
    if (marks[p * 2] > to) {
      end = marks[p * 2 + 1] - 1;
      break;
    }
  }
  return { start: marks[startPair * 2 + 1], end, startSeq: marks[startPair * 2] };
}

/**
 * Where to start reading so that the rest of the log holds at most `want` messages and about `maxBytes`
 * (rounded to marks): how the recent-id window is rebuilt after a restart without reading a long log.
 */
export function tailStart(
  objects: readonly LogObject[],
  lastSeq: number,
  want: number,
  maxBytes: number,
): number {
  const floorSeq = Math.max(1, lastSeq - want + 1);
  let candidate = lastSeq + 1;
  let laterBytes = 0;
  for (let i = objects.length - 1; i >= 0; i--) {
    const object = objects[i];
    for (let p = object.marks.length / 2 - 1; p >= 0; p--) {
      const seq = object.marks[p * 2];
      const bytesFrom = object.bytes - object.marks[p * 2 + 1] + laterBytes;
      if (bytesFrom > maxBytes) return candidate;
      if (seq <= floorSeq) return floorSeq;
      candidate = seq;
    }
    laterBytes += object.bytes;
  }
  return Math.max(candidate, floorSeq);
}
