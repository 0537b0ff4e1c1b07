import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WritePolicy } from '../../../src/messaging/log/durable-write.ts';
import { type EncodedRun, encodeRun } from '../../../src/messaging/log/jsonl.ts';
import { Limiter } from '../../../src/messaging/log/limiter.ts';
import { MessageLog, type MessageLogOptions } from '../../../src/messaging/log/message-log.ts';
import { DirectoryObjectStore, type ObjectStore } from '../../../src/storage/index.ts';

export const testPolicy = (): WritePolicy => ({
  baseMs: 1,
  maxMs: 20,
  stopped: () => false,
  onRetry: () => {},
});

export function logOptions(overrides: Partial<MessageLogOptions> = {}): MessageLogOptions {
  return {
    segmentBytes: 50 * 1024 * 1024,
    mergeFanIn: 16,
    policy: testPolicy(),
    limiter: new Limiter(2),
    indexDebounceMs: 50,
    pendingInputs: () => [],
    onIndexWritten: () => {},
    onCompaction: () => {},
    onError: (error) => {
      throw error;
    },
    ...overrides,
  };
}

export async function openLog(store: ObjectStore, overrides: Partial<MessageLogOptions> = {}) {
  return MessageLog.open(store, logOptions(overrides));
}

/** A stored line as the sequencer writes it. */
export function lineFor(seq: number, text = `message ${seq}`): string {
  return JSON.stringify({
    seq,
    id: `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`,
    sessionId: 's1',
    ts: '2025-01-01T00:00:00.000Z',
    type: 'log',
    level: 'info',
    origin: 'runner',
    payload: { text },
  });
}

export function runOf(first: number, count: number, text?: (seq: number) => string): EncodedRun {
  const lines = Array.from({ length: count }, (_, k) => lineFor(first + k, text?.(first + k)));
  return encodeRun(lines, first);
}

export function tempStore(): { store: DirectoryObjectStore; dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-log-'));
  return {
    store: new DirectoryObjectStore(dir),
    dir,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RecordedCall {
  op: string;
  key: string;
  range?: { start: number; end?: number };
  startAfter?: string;
  bytes?: number;
}

/** Records what the log asks of the store, to check it never lists or reads more than it should. */
export function recording(store: ObjectStore): { store: ObjectStore; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return {
    calls,
    store: {
      kind: store.kind,
      put: (key, body, opts) => {
        calls.push({ op: 'put', key });
        return store.put(key, body, opts);
      },
      putIfAbsent: (key, body, opts) => {
        calls.push({ op: 'putIfAbsent', key });
        return store.putIfAbsent(key, body, opts);
      },
      get: async (key, range) => {
        const bytes = await store.get(key, range);
        calls.push({ op: 'get', key, range, bytes: bytes?.byteLength });
        return bytes;
      },
      head: (key) => store.head(key),
      list: (prefix, opts) => {
        calls.push({ op: 'list', key: prefix, startAfter: opts?.startAfter });
        return store.list(prefix, opts);
      },
      delete: (key) => {
        calls.push({ op: 'delete', key });
        return store.delete(key);
      },
      check: () => store.check(),
    },
  };
}
