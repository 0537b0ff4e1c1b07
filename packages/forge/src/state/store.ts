import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { emptyState, type ForgeState } from './model.ts';

const FILE = 'forge.json';

/**
 * The metadata document. Every mutation is applied in memory and written before `mutate` returns:
 * temp file + fsync + rename + directory fsync, so a crash leaves either the old or the new document.
 * Mutations are synchronous, so no two requests interleave inside one.
 */
export class MetadataStore {
  readonly path: string;
  private state: ForgeState;

  private constructor(dataDir: string, state: ForgeState) {
    this.path = join(dataDir, FILE);
    this.state = state;
  }

  static open(dataDir: string): { store: MetadataStore; created: boolean } {
    const path = join(dataDir, FILE);
    let text: string | null = null;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === null) return { store: new MetadataStore(dataDir, emptyState()), created: true };
    const parsed = JSON.parse(text) as ForgeState;
    if (parsed.version !== 1) throw new Error(`unsupported forge metadata version ${String(parsed.version)}`);
    return { store: new MetadataStore(dataDir, { ...emptyState(), ...parsed }), created: false };
  }

  /** Read-only view; do not modify what it returns outside `mutate`. */
  get read(): Readonly<ForgeState> {
    return this.state;
  }

  mutate<T>(fn: (state: ForgeState) => T): T {
    const result = fn(this.state);
    this.flush();
    return result;
  }

  nextId(state: ForgeState): number {
    const id = state.nextId;
    state.nextId += 1;
    return id;
  }

  flush(): void {
    writeFileAtomic(this.path, `${JSON.stringify(this.state)}\n`);
  }
}

export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
