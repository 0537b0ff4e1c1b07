import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../messaging/server-process.ts';

/**
 * Debian's haproxy in front of server instances on loopback: HTTP mode, round-robin, a new choice for
 * every connection (no keep-alive to the servers), WebSocket upgrades tunnelled; a server that stops
 * answering its health check is taken out. scripts/test.sh installs it (ensure_haproxy).
 */
export async function startHaproxy(ports: number[]): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-haproxy-'));
  const config = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(
    config,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  option http-server-close',
      '  timeout connect 2s',
      '  timeout client 120s',
      '  timeout server 120s',
      '  timeout tunnel 1h',
      'frontend rfe',
      `  bind 127.0.0.1:${port}`,
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      '  option httpchk GET /healthz',
      '  retries 3',
      '  option redispatch',
      ...ports.map((p, k) => `  server i${k} 127.0.0.1:${p} check inter 500ms fall 2 rise 1`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('haproxy', ['-f', config, '-db'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (err) => {
    stderr += `\n${err.message} (is haproxy installed? scripts/test.sh installs it)`;
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || stderr.includes('ENOENT'))
      throw new Error(`haproxy did not start: ${stderr}`);
    const listening = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (listening) break;
    if (Date.now() > deadline) throw new Error(`haproxy is not listening after 10 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
