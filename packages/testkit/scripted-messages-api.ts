import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

export type ScriptedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface MessagesRequest {
  model?: string;
  stream?: boolean;
  tools?: { name: string }[];
  messages: { role: string; content: string | { type: string; text?: string; tool_use_id?: string }[] }[];
}

/** Token counts as the Messages API reports them. */
export interface DeclaredUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/** Decides the assistant's reply to one Messages API request (and the usage it declares; 10 in, 5 out). */
export type Script = (request: MessagesRequest) => {
  content: ScriptedBlock[];
  delayMs?: number;
  usage?: DeclaredUsage;
};

export interface ScriptedApiOptions {
  /** When set, a request without this `x-api-key` is refused with a 401 authentication_error. */
  apiKey?: string;
}

/**
 * A local server that speaks the Anthropic Messages API (`POST /v1/messages`, streamed as server-sent
 * events or as one JSON body) with replies from a script, so the Claude Agent SDK runs offline.
 */
export class ScriptedMessagesApi {
  readonly requests: MessagesRequest[] = [];
  /** The headers of every request, in order (count_tokens included). */
  readonly headers: IncomingHttpHeaders[] = [];
  /** The usage each answered `/v1/messages` request declared, in order. */
  readonly declared: DeclaredUsage[] = [];

  private constructor(
    private readonly server: Server,
    private readonly script: Script,
    private readonly options: ScriptedApiOptions,
  ) {
    server.on('request', (req, res) => {
      // A client that goes away mid-request (a cancelled agent) must not become an unhandled rejection.
      this.#handle(req, res).catch(() => res.destroy());
    });
  }

  static async start(script: Script, options: ScriptedApiOptions = {}): Promise<ScriptedMessagesApi> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new ScriptedMessagesApi(server, script, options);
  }

  get url(): string {
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || !path.startsWith('/v1/messages')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"type":"error","error":{"type":"not_found_error","message":"not here"}}');
      return;
    }
    this.headers.push(req.headers);
    if (this.options.apiKey !== undefined && req.headers['x-api-key'] !== this.options.apiKey) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}');
      return;
    }
    const request = JSON.parse(body) as MessagesRequest;
    if (path.endsWith('/count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"input_tokens":10}');
      return;
    }
    this.requests.push(request);
    const { content, delayMs = 0, usage = { input_tokens: 10, output_tokens: 5 } } = this.script(request);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    this.declared.push(usage);
    const stop = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
    const message = {
      id: `msg_${Math.random().toString(36).slice(2)}`,
      type: 'message',
      role: 'assistant',
      model: request.model ?? 'claude-scripted',
      stop_sequence: null,
      usage,
    };
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...message, content, stop_reason: stop }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const event = (name: string, data: unknown) =>
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    event('message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
    });
    content.forEach((block, index) => {
      if (block.type === 'text') {
        event('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        });
        event('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: block.text },
        });
      } else {
        const start = { type: 'tool_use', id: block.id, name: block.name, input: {} };
        event('content_block_start', { type: 'content_block_start', index, content_block: start });
        const delta = { type: 'input_json_delta', partial_json: JSON.stringify(block.input) };
        event('content_block_delta', { type: 'content_block_delta', index, delta });
      }
      event('content_block_stop', { type: 'content_block_stop', index });
    });
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    event('message_stop', { type: 'message_stop' });
    res.end();
  }
}

/** Number of tool results in the conversation so far. */
export function toolResultsIn(request: MessagesRequest): number {
  return request.messages
    .flatMap((m) => (typeof m.content === 'string' ? [] : m.content))
    .filter((b) => b.type === 'tool_result').length;
}
