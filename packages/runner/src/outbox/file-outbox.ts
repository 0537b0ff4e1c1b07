import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Envelope, Outbox } from '@rfe/protocol';

type JournalRecord = { op: 'add'; message: Envelope } | { op: 'remove'; id: string };

export interface FileOutboxOptions {
  /** Rewrite the journal once this many removals have piled up (and outnumber the live messages). */
  compactAfterRemovals?: number;
}

const JOURNAL = 'outbox.jsonl';

/**
 * The runner's durable outbox: an append-only journal in the work directory, one JSON line per
 * `add` (with the whole message) or `remove`. An add is fsynced before it resolves, so a message the
 * channel has sent is on disk; a lost removal only causes a resend the backend drops by id. Opening
 * replays the journal (ignoring a line torn by a crash) and rewrites it compactly, and it is rewritten
 * again whenever acknowledged messages pile up. Pending messages are also kept in memory, in order.
 */
export class FileOutbox implements Outbox {
  readonly #dir: string;
  readonly #compactAfter: number;
  readonly #messages = new Map<string, Envelope>();
  #file!: FileHandle;
  #removals = 0;
  // File operations run one at a time, in call order.
  #chain: Promise<void> = Promise.resolve();
  /** Lines skipped while replaying (a torn write at the end, or damage). */
  readonly skippedLines: number;

  private constructor(dir: string, skipped: number, options: FileOutboxOptions) {
    this.#dir = dir;
    this.skippedLines = skipped;
    this.#compactAfter = options.compactAfterRemovals ?? 512;
  }

  static async open(dir: string, options: FileOutboxOptions = {}): Promise<FileOutbox> {
    await mkdir(dir, { recursive: true });
    const { messages, skipped } = await replay(join(dir, JOURNAL));
    const outbox = new FileOutbox(dir, skipped, options);
    for (const message of messages) outbox.#messages.set(message.id, message);
    await outbox.#rewrite();
    return outbox;
  }

  get journalPath(): string {
    return join(this.#dir, JOURNAL);
  }

  add(message: Envelope): Promise<void> {
    return this.#run(async () => {
      if (this.#messages.has(message.id)) return;
      await this.#append({ op: 'add', message }, true);
      this.#messages.set(message.id, message);
    });
  }

  remove(id: string): Promise<void> {
    return this.#run(async () => {
      if (!this.#messages.delete(id)) return;
      await this.#append({ op: 'remove', id }, false);
      this.#removals++;
      if (this.#removals >= this.#compactAfter && this.#removals > this.#messages.size) await this.#rewrite();
    });
  }

  async pending(): Promise<Envelope[]> {
    await this.#chain;
    return [...this.#messages.values()];
  }

  close(): Promise<void> {
    return this.#run(() => this.#file.close());
  }

  #run(job: () => Promise<void>): Promise<void> {
    const result = this.#chain.then(job);
    this.#chain = result.catch(() => {});
    return result;
  }

  async #append(record: JournalRecord, sync: boolean): Promise<void> {
    await this.#file.write(`${JSON.stringify(record)}\n`);
    if (sync) await this.#file.datasync();
  }

  /** Writes the live messages to a new journal and swaps it in atomically. */
  async #rewrite(): Promise<void> {
    const path = join(this.#dir, JOURNAL);
    const temp = `${path}.tmp`;
    const lines = [...this.#messages.values()].map(
      (message) => `${JSON.stringify({ op: 'add', message })}\n`,
    );
    const out = await open(temp, 'w', 0o600);
    try {
      await out.writeFile(lines.join(''));
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temp, path);
    await syncDirectory(this.#dir);
    await this.#file?.close();
    this.#file = await open(path, 'a', 0o600);
    this.#removals = 0;
  }
}

async function replay(path: string): Promise<{ messages: Envelope[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { messages: [], skipped: 0 };
    throw error;
  }
  const live = new Map<string, Envelope>();
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const record = parseRecord(line);
    if (!record) skipped++;
    else if (record.op === 'add') live.set(record.message.id, record.message);
    else live.delete(record.id);
  }
  return { messages: [...live.values()], skipped };
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const record = JSON.parse(line) as JournalRecord;
    if (record.op === 'add' && typeof record.message?.id === 'string') return record;
    if (record.op === 'remove' && typeof record.id === 'string') return record;
  } catch {
    // torn by a crash mid-write
  }
  return undefined;
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
