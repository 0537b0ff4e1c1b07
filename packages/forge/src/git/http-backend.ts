import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gitEnv } from './run.ts';

const BACKEND = '/usr/lib/git-core/git-http-backend';

export interface BackendRequest {
  projectRoot: string;
  /** e.g. /alice/api.git/info/refs */
  pathInfo: string;
  queryString: string;
  remoteUser: string;
  config: Record<string, string>;
  env: Record<string, string>;
}

function configEnv(config: Record<string, string>): Record<string, string> {
  const entries = Object.entries(config);
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

/**
 * Serves one smart-HTTP request by running git-http-backend as a CGI: request body streamed to its
 * stdin (gzip is inflated by git itself via HTTP_CONTENT_ENCODING), CGI headers parsed, body streamed back.
 */
export function runHttpBackend(
  req: IncomingMessage,
  res: ServerResponse,
  opts: BackendRequest,
): Promise<number> {
  const h = req.headers;
  const env: Record<string, string> = {
    ...configEnv(opts.config),
    ...opts.env,
    GIT_PROJECT_ROOT: opts.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: opts.pathInfo,
    QUERY_STRING: opts.queryString,
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: String(h['content-type'] ?? ''),
    REMOTE_USER: opts.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
  };
  if (h['content-length']) env.CONTENT_LENGTH = String(h['content-length']);
  if (h['content-encoding']) env.HTTP_CONTENT_ENCODING = String(h['content-encoding']);
  if (h['git-protocol']) env.GIT_PROTOCOL = String(h['git-protocol']);

  return new Promise((resolve) => {
    const child = spawn(BACKEND, [], { env: gitEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let headerBuf = Buffer.alloc(0);
    let headersDone = false;
    let status = 200;
    const stderr: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      headerBuf = Buffer.concat([headerBuf, chunk]);
      let end = headerBuf.indexOf('\r\n\r\n');
      let sepLen = 4;
      if (end === -1) {
        end = headerBuf.indexOf('\n\n');
        sepLen = 2;
      }
      if (end === -1) return;
      headersDone = true;
      for (const line of headerBuf.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon === -1) continue;
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
        else res.setHeader(key, value);
      }
      res.writeHead(status);
      const rest = headerBuf.subarray(end + sepLen);
      if (rest.length > 0) res.write(rest);
    });
    child.on('error', () => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('git http-backend could not be started\n');
      resolve(500);
    });
    child.on('close', (code) => {
      if (!headersDone) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`git http-backend failed (${code}): ${Buffer.concat(stderr).toString().slice(0, 500)}\n`);
        resolve(500);
        return;
      }
      res.end();
      resolve(status);
    });
    child.stdin.on('error', () => undefined);
    req.on('aborted', () => child.kill('SIGTERM'));
    req.pipe(child.stdin);
  });
}
