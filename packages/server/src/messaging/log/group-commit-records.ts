import { LogCorruptError } from './read-range.ts';

/** One chunk inside a group-commit object: its full key in the project's store and its bytes. */
export interface GroupRecord {
  key: string;
  bytes: Buffer;
}

const NEWLINE = 0x0a;

/**
 * A group-commit object is a sequence of records, each a header line `{"key":…,"bytes":N}` followed by
 * exactly N bytes of chunk text: chunk bytes are copied as they are, never escaped.
 */
export function encodeGroupRecords(records: readonly GroupRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const record of records) {
    parts.push(Buffer.from(`${JSON.stringify({ key: record.key, bytes: record.bytes.length })}\n`, 'utf8'));
    parts.push(record.bytes);
  }
  return Buffer.concat(parts);
}

/** The records of a group-commit object; a malformed object is reported with where it breaks. */
export function decodeGroupRecords(name: string, data: Buffer): GroupRecord[] {
  const records: GroupRecord[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf(NEWLINE, at);
    if (end < 0) throw new LogCorruptError(`${name}: record header at byte ${at} has no end`);
    let header: { key?: unknown; bytes?: unknown };
    try {
      header = JSON.parse(data.toString('utf8', at, end)) as typeof header;
    } catch {
      throw new LogCorruptError(`${name}: record header at byte ${at} is not JSON`);
    }
    const { key, bytes } = header;
    if (typeof key !== 'string' || typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) {
      throw new LogCorruptError(`${name}: record header at byte ${at} needs a string key and a byte count`);
    }
    if (end + 1 + bytes > data.length) {
      throw new LogCorruptError(`${name}: record ${key} is cut short (${bytes} bytes announced)`);
    }
    records.push({ key, bytes: data.subarray(end + 1, end + 1 + bytes) });
    at = end + 1 + bytes;
  }
  return records;
}
