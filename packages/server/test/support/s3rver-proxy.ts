import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface S3ProxyOptions {
  /** The real S3 endpoint behind the proxy (an s3rver). */
  target: string;
  /** Which requests the fault counters below apply to. Default: all. */
  match?: (req: IncomingMessage) => boolean;
  /** Answer the first N matching requests with 503 SlowDown, as S3 does under load. */
  failFirst?: number;
  /** Never answer the first N matching requests (the client's timeout must fire). */
  hangFirst?: number;
  /** Forward the first N matching requests, then cut the connection instead of answering: lost response. */
  dropResponseFirst?: number;
  /**
   * Honour `If-None-Match: *` on PUT like AWS S3 (412 PreconditionFailed when the key exists), which
   * s3rver ignores. Writes to one key are serialised, so the check and the write are atomic.
   */
  conditionalWrites?: boolean;
}

export interface S3Proxy {
  endpoint: string;
  /** Every request received, in order, with what the proxy did with it. */
  requests: {
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    action: 'forwarded' | 'failed' | 'hung' | 'dropped' | 'precondition';
  }[];
  stop(): Promise<void>;
}

const SLOW_DOWN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
const PRECONDITION_FAILED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>';

/**
 * A real HTTP proxy in front of s3rver that injects S3-shaped faults (503, hangs, lost responses) and can
 * add conditional writes: the S3 driver is tested over the real protocol, not against a mock.
 */
export async function startS3Proxy(options: S3ProxyOptions): Promise<S3Proxy> {
  const target = new URL(options.target);
  const requests: S3Proxy['requests'] = [];
  const counters = {
    fail: options.failFirst ?? 0,
    hang: options.hangFirst ?? 0,
    drop: options.dropResponseFirst ?? 0,
  };
  const keyLocks = new Map<string, Promise<void>>();
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, onResponse?: () => void) =>
    new Promise<void>((resolve) => {
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          onResponse?.();
          if (res.destroyed) {
            answer.resume();
            return resolve();
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
        },
      );
      upstream.on('error', () => {
        res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });

  const exists = (req: IncomingMessage) =>
    new Promise<boolean>((resolve) => {
      // s3rver checks the access key id but not the SigV4 signature, so the PUT's headers sign the HEAD.
      const headers = { ...req.headers };
      delete headers['content-length'];
      delete headers['content-md5'];
      delete headers['if-none-match'];
      const head = request(
        { host: target.hostname, port: target.port, method: 'HEAD', path: req.url, headers },
        (answer) => {
          answer.resume();
          resolve(answer.statusCode === 200);
        },
      );
      head.on('error', () => resolve(false));
      head.end();
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const record = (action: S3Proxy['requests'][number]['action']) =>
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, action });
    const matches = options.match?.(req) ?? true;
    if (matches && counters.fail > 0) {
      counters.fail--;
      record('failed');
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml' }).end(SLOW_DOWN);
      return;
    }
    if (matches && counters.hang > 0) {
      counters.hang--;
      record('hung');
      req.resume();
      return; // the socket stays open until the client gives up or the proxy stops
    }
    if (matches && counters.drop > 0) {
      counters.drop--;
      record('dropped');
      await forward(req, res, () => res.destroy());
      return;
    }
    if (options.conditionalWrites && req.method === 'PUT' && req.headers['if-none-match'] === '*') {
      const key = req.url?.split('?')[0] ?? '';
      const previous = keyLocks.get(key) ?? Promise.resolve();
      let release = () => {};
      const current = new Promise<void>((resolve) => {
        release = resolve;
      });
      const chained = previous.then(() => current);
      keyLocks.set(key, chained);
      await previous;
      try {
        if (await exists(req)) {
          record('precondition');
          req.resume();
          res.writeHead(412, { 'content-type': 'application/xml' }).end(PRECONDITION_FAILED);
          return;
        }
        record('forwarded');
        await forward(req, res);
      } finally {
        release();
        if (keyLocks.get(key) === chained) keyLocks.delete(key);
      }
      return;
    }
    record('forwarded');
    await forward(req, res);
  };

  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
