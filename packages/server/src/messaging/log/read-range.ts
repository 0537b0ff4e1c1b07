import type { ObjectStore } from '../../storage/index.ts';
import { getWithRetry, type WritePolicy } from './durable-write.ts';
import { seqOfLine, splitLines } from './jsonl.ts';
import { byteRangeFor, type LogObject, locate } from './log-index.ts';

export interface LogLine {
  seq: number;
  /** The stored JSON text of the persisted message. */
  line: string;
}

export class LogCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogCorruptError';
  }
}

// A compaction may delete an object between looking it up and fetching it; look again this often.
const MAX_RELOCATIONS = 5;

/**
 * Lines for seqs from..to (inclusive), in order, stopping once `maxBytes` of text is collected. Each
 * object is fetched with one ranged GET between the marks around the wanted seqs, so a page costs
 * O(page) whatever the log's length; objects held in memory are not fetched at all. `objects` is
 * called again after a miss to see compaction results.
 */
export async function readRange(
  store: ObjectStore,
  objects: () => readonly LogObject[],
  from: number,
  to: number,
  maxBytes: number,
  policy: WritePolicy,
  /** Bytes this process holds for an object (just written, or staged and not stored yet). */
  held: (key: string) => Buffer | undefined = () => undefined,
): Promise<LogLine[]> {
  const out: LogLine[] = [];
  let bytes = 0;
  let next = Math.max(1, from);
  let relocations = 0;
  while (next <= to) {
    const list = objects();
    const at = locate(list, next);
    if (at < 0) break;
    const object = list[at];
    const upTo = Math.min(to, object.last);
    const range = byteRangeFor(object, next, upTo);
    const inMemory = held(object.key);
    const data = inMemory
      ? inMemory.subarray(range.start, range.end + 1)
      : await getWithRetry(store, object.key, policy, { start: range.start, end: range.end });
    if (data === null) {
      if (++relocations > MAX_RELOCATIONS)
        throw new LogCorruptError(`${object.key} is listed in the index but missing`);
      continue;
    }
    const lines = splitLines(data);
    if (lines.length === 0 || seqOfLine(lines[0]) !== range.startSeq) {
      throw new LogCorruptError(
        `${object.key} at byte ${range.start} does not start with seq ${range.startSeq}`,
      );
    }
    for (let k = next - range.startSeq; k < lines.length && range.startSeq + k <= upTo; k++) {
      out.push({ seq: range.startSeq + k, line: lines[k] });
      bytes += lines[k].length;
      if (bytes >= maxBytes) return out;
    }
    next = upTo + 1;
  }
  return out;
}
