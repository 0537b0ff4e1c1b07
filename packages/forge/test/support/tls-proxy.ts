import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A self-signed certificate for localhost / 127.0.0.1, generated with openssl; returns the PEM paths. */
export async function generateCertificate(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile };
}

export interface TlsProxy {
  port: number;
  /** Where requests go (set once the upstream is listening). */
  target: URL | null;
  close(): Promise<void>;
}

/** A TLS terminator on 127.0.0.1 forwarding every request, streamed, to `target` over plain HTTP. */
export async function startTlsProxy(cert: { certFile: string; keyFile: string }): Promise<TlsProxy> {
  const proxy: TlsProxy = { port: 0, target: null, close: async () => undefined };
  const server: Server = createServer(
    { cert: await readFile(cert.certFile), key: await readFile(cert.keyFile) },
    (req, res) => {
      const target = proxy.target;
      if (!target) {
        res.writeHead(503).end('no upstream yet\n');
        return;
      }
      const upstream = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
