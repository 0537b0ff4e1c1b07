import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../bin/rfe.js');
const env = (dataDir: string, extra: Record<string, string> = {}) => ({
  ...process.env,
  RFE_DATA_DIR: dataDir,
  FORGE_PORT: '0',
  LOG_LEVEL: 'info',
  ...extra,
});

describe('the rfe command', () => {
  let dataDir: string;
  let up: ChildProcess;
  let url: string;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-cli-'));
    up = spawn(process.execPath, [bin, 'up', '--port', '0'], {
      env: env(dataDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => up.once('exit', (code) => resolve(code)));
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`rfe up did not start:\n${output}`)), 60_000);
      up.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /RFE Workbench is up on (http:\/\/[^\s"]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    });
  }, 90_000);
  afterAll(() => {
    up?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('`rfe up` serves the platform with the bundled forge on the embedded defaults', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${url}/readyz`)).json();
    expect(ready.checks).toEqual({ database: 'ok', objectStore: 'ok' });
    expect(fs.existsSync(path.join(dataDir, 'rfe.db'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'forge'))).toBe(true);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('`rfe token alice` prints a bearer token the running server accepts', async () => {
    const out = spawnSync(process.execPath, [bin, 'token', 'alice'], { env: env(dataDir), encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const token = out.stdout.trim();
    const me = await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me.json()).subject).toBe('alice');
  });

  it('an invalid setting stops start-up with a message naming it', () => {
    const out = spawnSync(process.execPath, [bin, 'up'], {
      env: env(dataDir, { PORT: 'eighty' }),
      encoding: 'utf8',
    });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('PORT');
    expect(out.stderr).toContain('whole number');
  });

  it('an unknown option is refused with the known ones listed', () => {
    const out = spawnSync(process.execPath, [bin, 'up', '--prot', '1'], {
      env: env(dataDir),
      encoding: 'utf8',
    });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--prot');
    expect(out.stderr).toContain('--port');
  });

  it('SIGTERM shuts the platform down gracefully', async () => {
    up.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
