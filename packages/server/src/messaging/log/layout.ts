/**
 * Object keys of a session's message log (SPEC §5). Everything below is relative to the session folder
 * `rfe_workflows/{workspaceId}/sessions/{sessionId}/` of the project's store.
 *
 *   messages-0001.jsonl …   segments: compacted JSON Lines in seq order, rolled over at a size limit
 *   chunks/{first}-{last}-e{epoch}.jsonl  immutable chunks written as messages arrive (and merged ones)
 *   index.json              seq ranges → objects and byte offsets, message count, last update
 *   delivery.json           how far the runner has acknowledged its input
 *
 * With cross-session group commit (group-commit.ts, on for S3 by default) the project's store also holds
 *   rfe_workflows/_group-commit/{writer}/{n}.log   chunks of many sessions, durable before each log
 *                                                  stores them as its own chunks; deleted after that
 */

export function sessionLogPrefix(workspaceId: string, sessionId: string): string {
  return `rfe_workflows/${workspaceId}/sessions/${sessionId}/`;
}

export const INDEX_KEY = 'index.json';
export const DELIVERY_KEY = 'delivery.json';
export const CHUNK_PREFIX = 'chunks/';

// Twelve digits keep chunk keys in seq order when listed (S3 lists in byte order) up to 10^12 messages.
const SEQ_DIGITS = 12;
const pad = (seq: number) => String(seq).padStart(SEQ_DIGITS, '0');

export function segmentKey(number: number): string {
  return `messages-${String(number).padStart(4, '0')}.jsonl`;
}

/**
 * The key names the seq range, so recovery learns what a chunk holds from a listing alone, and the
 * writer epoch (see LogIndexFile.epochs), so a write of a dead writer that lands late is recognised.
 */
export function chunkKey(first: number, last: number, epoch: number): string {
  return `${CHUNK_PREFIX}${pad(first)}-${pad(last)}-e${epoch}.jsonl`;
}

const CHUNK_KEY = /^chunks\/(\d+)-(\d+)-e(\d+)\.jsonl$/;

export function parseChunkKey(key: string): { first: number; last: number; epoch: number } | null {
  const m = CHUNK_KEY.exec(key);
  if (!m) return null;
  const [first, last, epoch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return first >= 1 && last >= first ? { first, last, epoch } : null;
}

/**
 * A `startAfter` for listing only chunks that begin after `seq`: every key of a chunk starting at or
 * before `seq` sorts below it ('~' is above every digit), every later chunk above.
 */
export function chunksStartingAfter(seq: number): string {
  return `${CHUNK_PREFIX}${pad(seq)}-~`;
}

/** Project-level folder of group-commit objects (a workspace id never starts with '_'). */
export const GROUP_COMMIT_PREFIX = 'rfe_workflows/_group-commit/';

export function groupCommitKey(writer: string, number: number): string {
  return `${GROUP_COMMIT_PREFIX}${writer}/${pad(number)}.log`;
}

/** The session folder (relative to the project's store) of a chunk key below it; null for other keys. */
export function sessionFolderOfChunk(key: string): string | null {
  const at = key.lastIndexOf(`/${CHUNK_PREFIX}`);
  return at < 0 ? null : key.slice(0, at + 1);
}
