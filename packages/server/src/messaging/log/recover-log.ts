import type { ObjectStore } from '../../storage/index.ts';
import { getWithRetry, type WritePolicy, withRetry } from './durable-write.ts';
import { marksOf, splitLines } from './jsonl.ts';
import { CHUNK_PREFIX, chunksStartingAfter, INDEX_KEY, parseChunkKey } from './layout.ts';
import {
  type ChunkEntry,
  type LogIndexFile,
  ownedByItsEpoch,
  parseIndex,
  type SegmentEntry,
  type WriterEpoch,
} from './log-index.ts';
import { LogCorruptError, type LogLine } from './read-range.ts';

/** The in-memory truth of a log: segments then chunks, contiguous from seq 1 to lastSeq. */
export interface LogState {
  segments: SegmentEntry[];
  chunks: ChunkEntry[];
  lastSeq: number;
  /** Bytes of chunks written by this process and not merged yet, so merging them costs no reads. */
  fresh: Map<string, Buffer>;
  epochs: WriterEpoch[];
  /**
   * How many of the last chunks are staged: durable in a group-commit object but not yet stored in the
   * session folder (see group-commit.ts). Their bytes are in `fresh`; the index leaves them out.
   */
  staged: number;
}

export interface RecoveredLog {
  state: LogState;
  index: LogIndexFile;
  /** Every message newer than the stored index, read while recovering. */
  tail: LogLine[];
}

/**
 * Rebuilds a log from storage: `index.json`, then the chunks written after it. Chunk keys carry their
 * seq range, so only chunks starting after the index's last seq are listed, and they are chained from
 * there. Skipped: chunks of a writer that did not own those seqs (written late, or after a gap by a
 * pipelined writer that died) and leftovers of an interrupted compaction.
 */
export async function recoverLog(store: ObjectStore, policy: WritePolicy): Promise<RecoveredLog> {
  const index = parseIndex(await getWithRetry(store, INDEX_KEY, policy));
  const state: LogState = {
    segments: index.segments,
    chunks: index.chunks,
    lastSeq: index.lastSeq,
    fresh: new Map(),
    epochs: index.epochs,
    staged: 0,
  };
  const candidates = (await listChunksAfter(store, index.lastSeq, policy)).filter((c) =>
    ownedByItsEpoch(index.epochs, c),
  );
  const tail: LogLine[] = [];
  for (;;) {
    // Prefer the widest chunk starting at the next seq: a merge that finished before the index did.
    const next = candidates.filter((c) => c.first === state.lastSeq + 1).sort((a, b) => b.last - a.last)[0];
    if (!next) break;
    const bytes = await getWithRetry(store, next.key, policy);
    if (bytes === null) break;
    const lines = splitLines(bytes);
    if (lines.length !== next.last - next.first + 1) {
      throw new LogCorruptError(
        `${next.key} holds ${lines.length} lines, its name says ${next.last - next.first + 1}`,
      );
    }
    state.chunks.push({
      key: next.key,
      first: next.first,
      last: next.last,
      bytes: bytes.byteLength,
      marks: marksOf(bytes, next.first),
      level: 0,
    });
    lines.forEach((line, k) => {
      tail.push({ seq: next.first + k, line });
    });
    state.lastSeq = next.last;
  }
  return { state, index, tail };
}

async function listChunksAfter(
  store: ObjectStore,
  seq: number,
  policy: WritePolicy,
): Promise<{ key: string; first: number; last: number; epoch: number }[]> {
  const found: { key: string; first: number; last: number; epoch: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await withRetry(
      CHUNK_PREFIX,
      policy,
      () => store.list(CHUNK_PREFIX, cursor ? { cursor } : { startAfter: chunksStartingAfter(seq) }),
      6,
    );
    for (const object of page.objects) {
      const range = parseChunkKey(object.key);
      if (range && range.first > seq) found.push({ key: object.key, ...range });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}
