import { StringDecoder } from 'node:string_decoder';

export type StreamName = 'stdout' | 'stderr';

export interface ChunkerOptions {
  /** Largest chunk in one message (characters). */
  maxChars?: number;
  /** How long output may wait to be joined with what follows. */
  flushMs?: number;
}

/**
 * Joins a command's output into fewer, larger chunks without reordering it: output waits at most
 * `flushMs`, a switch between stdout and stderr flushes what came before, and multi-byte characters
 * split across reads are kept whole.
 */
export class OutputChunker {
  readonly #emit: (stream: StreamName, chunk: string) => void;
  readonly #maxChars: number;
  readonly #flushMs: number;
  readonly #decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  #stream: StreamName = 'stdout';
  #pending = '';
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(emit: (stream: StreamName, chunk: string) => void, options: ChunkerOptions = {}) {
    this.#emit = emit;
    this.#maxChars = options.maxChars ?? 16_384;
    this.#flushMs = options.flushMs ?? 20;
  }

  push(stream: StreamName, data: Buffer): void {
    const text = this.#decoders[stream].write(data);
    if (text === '') return;
    if (stream !== this.#stream) {
      this.flush();
      this.#stream = stream;
    }
    this.#pending += text;
    while (this.#pending.length >= this.#maxChars) {
      this.#emit(stream, this.#pending.slice(0, this.#maxChars));
      this.#pending = this.#pending.slice(this.#maxChars);
    }
    if (this.#pending && !this.#timer) this.#timer = setTimeout(() => this.flush(), this.#flushMs);
  }

  /** Emits whatever is waiting; call once more after the process ended. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending) this.#emit(this.#stream, this.#pending);
    this.#pending = '';
  }

  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.#decoders[stream].end();
      if (rest) {
        if (stream !== this.#stream) this.flush();
        this.#stream = stream;
        this.#pending += rest;
      }
    }
    this.flush();
  }
}
