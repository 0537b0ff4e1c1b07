import { crc32 } from 'node:zlib';

/**
 * The directory store journal's records (directory-journal.ts):
 * u32 length | u32 crc32 of the rest | u8 op | u16 path length | path | body.
 * Decoding stops at the first record that is short or fails its checksum: the torn tail of a write that
 * was never acknowledged.
 */
export type JournalOp = 'put' | 'delete' | 'direct';

const OPS: JournalOp[] = ['put', 'delete', 'direct'];
const HEADER_BYTES = 4 + 4 + 1 + 2;

export function encodeRecord(op: JournalOp, path: string, body: Uint8Array = new Uint8Array(0)): Buffer {
  const pathBytes = Buffer.from(path);
  const record = Buffer.allocUnsafe(HEADER_BYTES + pathBytes.length + body.length);
  record.writeUInt32LE(record.length, 0);
  record.writeUInt8(OPS.indexOf(op), 8);
  record.writeUInt16LE(pathBytes.length, 9);
  pathBytes.copy(record, HEADER_BYTES);
  record.set(body, HEADER_BYTES + pathBytes.length);
  record.writeUInt32LE(crc32(record.subarray(8)), 4);
  return record;
}

export interface JournalRecord {
  op: JournalOp;
  path: string;
  body: Buffer;
}

/** The intact records of a journal file, up to the first torn or corrupt one. */
export function decodeRecords(bytes: Buffer): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (let at = 0; at + HEADER_BYTES <= bytes.length; ) {
    const length = bytes.readUInt32LE(at);
    if (length < HEADER_BYTES || at + length > bytes.length) break;
    const record = bytes.subarray(at, at + length);
    if (crc32(record.subarray(8)) !== record.readUInt32LE(4)) break;
    const op = OPS[record.readUInt8(8)];
    const pathLength = record.readUInt16LE(9);
    if (!op || HEADER_BYTES + pathLength > length) break;
    records.push({
      op,
      path: record.toString('utf8', HEADER_BYTES, HEADER_BYTES + pathLength),
      body: record.subarray(HEADER_BYTES + pathLength),
    });
    at += length;
  }
  return records;
}
