import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface StartedPlatform {
  /** http://localhost:PORT, the address the README tells people to open. */
  url: string;
  dataDir: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** `rfe token <user>` against this data directory (the README's way to get a bearer token). */
  token(user: string): Promise<string>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`${command} ${args.join(' ')}: ${err}`)),
    );
  });
}

/**
 * The README's start command (`npm start`) in a child process, as a new user runs it on a fresh clone:
 * its own data directory, free ports for the platform and the bundled forge. Resolves once the platform
 * says it is up.
 */
export async function startWithStartCommand(): Promise<StartedPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-first-run-'));
  const [port, forgePort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    PORT: String(port),
    FORGE_PORT: String(forgePort),
    RFE_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SYNC_INTERVAL_SECONDS: '0',
  };
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const up = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const m = /RFE Workbench is up on (http:\/\/[^\s"]+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`npm start exited with ${code} before it was up:\n${output}`)),
    );
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), 180_000);
  const url = await up.finally(() => clearTimeout(timer));
  return {
    url,
    dataDir,
    output: () => output,
    token: (user) =>
      run('node', [path.join(root, 'packages/cli/bin/rfe.js'), 'token', user], {
        ...env,
        LOG_LEVEL: 'silent',
      }),
    async close() {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
