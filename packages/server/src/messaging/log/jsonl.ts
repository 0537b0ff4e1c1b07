/**
 * The bytes of the log: one persisted message per line, JSON with `seq` as the first field, in seq order.
 * Readers find a page through sparse "marks" — (seq, byte offset) pairs taken every few hundred messages
 * or bytes — so they fetch a byte range instead of a whole object.
 */

export const MARK_EVERY_MESSAGES = 256;
export const MARK_EVERY_BYTES = 256 * 1024;

/** Flat pairs [seq, offset, seq, offset, …], ascending; the first pair is always [first seq, 0]. */
export type Marks = number[];

export interface EncodedRun {
  first: number;
  last: number;
  bytes: Buffer;
  marks: Marks;
}

const NEWLINE = 0x0a;

/** Lines for consecutive seqs starting at `first`; each line must already be a persisted message. */
export function encodeRun(lines: readonly string[], first: number): EncodedRun {
  const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  return { first, last: first + lines.length - 1, bytes, marks: marksOf(bytes, first) };
}

/** Marks for JSONL bytes whose first line is `first`. JSON text never holds a raw newline. */
export function marksOf(bytes: Uint8Array, first: number): Marks {
  const buf = asBuffer(bytes);
  const marks: Marks = [first, 0];
  let markSeq = first;
  let markOffset = 0;
  let seq = first;
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf(NEWLINE, pos);
    if (nl < 0 || nl === buf.length - 1) break;
    pos = nl + 1;
    seq++;
    if (seq - markSeq >= MARK_EVERY_MESSAGES || pos - markOffset >= MARK_EVERY_BYTES) {
      marks.push(seq, pos);
      markSeq = seq;
      markOffset = pos;
    }
  }
  return marks;
}

export function countLines(bytes: Uint8Array): number {
  const buf = asBuffer(bytes);
  let count = 0;
  for (let pos = buf.indexOf(NEWLINE); pos >= 0; pos = buf.indexOf(NEWLINE, pos + 1)) count++;
  return count;
}

export function splitLines(bytes: Uint8Array): string[] {
  if (bytes.byteLength === 0) return [];
  const lines = asBuffer(bytes).toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const SEQ_PREFIX = '{"seq":';

/** The seq of a stored line; our writer puts it first, so the JSON is parsed only for foreign lines. */
export function seqOfLine(line: string): number {
  if (line.startsWith(SEQ_PREFIX)) {
    const end = line.indexOf(',', SEQ_PREFIX.length);
    const seq = Number(line.slice(SEQ_PREFIX.length, end < 0 ? undefined : end));
    if (Number.isInteger(seq)) return seq;
  }
  return (JSON.parse(line) as { seq: number }).seq;
}

const ID_PREFIX = '"id":"';

/** The producer's id of a stored line (second field as we write it). */
export function idOfLine(line: string): string {
  const at = line.indexOf(ID_PREFIX);
  if (at > 0 && at < 32) {
    const start = at + ID_PREFIX.length;
    const end = line.indexOf('"', start);
    if (end > start) return line.slice(start, end);
  }
  return (JSON.parse(line) as { id: string }).id;
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
