import type { Usage } from './price-table.ts';

interface ProviderUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

const count = (n: number | null | undefined): number | undefined =>
  typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;

/**
 * Reads what a Messages API response says it used, from the bytes passing through unchanged: a streamed
 * response carries the usage in `message_start` (input and cache tokens) and `message_delta` (cumulative
 * counts, output at least); a plain response in its `usage` object. Lines are reassembled across chunks.
 */
export class UsageMeter {
  readonly usage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  model: string | undefined;
  #partial = '';
  #json = '';

  constructor(private readonly streaming: boolean) {}

  write(chunk: Buffer): void {
    if (!this.streaming) {
      this.#json += chunk.toString('utf8');
      return;
    }
    const text = this.#partial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  end(): void {
    if (this.streaming) {
      if (this.#partial) this.#line(this.#partial);
      this.#partial = '';
      return;
    }
    try {
      const body = JSON.parse(this.#json) as { model?: string; usage?: ProviderUsage };
      if (body.model) this.model = body.model;
      if (body.usage) this.#apply(body.usage);
    } catch {
      // Not JSON (an error page): no usage to record.
    }
  }

  #line(line: string): void {
    if (!line.startsWith('data:')) return;
    let event: { type?: string; message?: { model?: string; usage?: ProviderUsage }; usage?: ProviderUsage };
    try {
      event = JSON.parse(line.slice(5).trim());
    } catch {
      return;
    }
    if (event.type === 'message_start') {
      if (event.message?.model) this.model = event.message.model;
      if (event.message?.usage) this.#apply(event.message.usage);
    } else if (event.type === 'message_delta' && event.usage) {
      this.#apply(event.usage);
    }
  }

  /** Later counts replace earlier ones: message_delta's are cumulative for the whole message. */
  #apply(u: ProviderUsage): void {
    this.usage.input = count(u.input_tokens) ?? this.usage.input;
    this.usage.output = count(u.output_tokens) ?? this.usage.output;
    this.usage.cacheRead = count(u.cache_read_input_tokens) ?? this.usage.cacheRead;
    this.usage.cacheWrite = count(u.cache_creation_input_tokens) ?? this.usage.cacheWrite;
  }
}
