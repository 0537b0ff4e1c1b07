import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface S3rverHandle {
  endpoint: string;
  port: number;
  accessKeyId: 'S3RVER';
  secretAccessKey: 'S3RVER';
  region: 'us-east-1';
  /** s3rver's data directory (buckets are folders, objects `<name>._S3rver_object` files). */
  dir: string;
  /** The s3rver process (benchmarks account its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./s3rver-child.mjs', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/**
 * Starts a real S3 HTTP server (s3rver 3.7.1) in a child process on a free port with the given buckets.
 *
 * s3rver facts the tests rely on (checked against its source and by experiment):
 * - it needs `--openssl-legacy-provider`: continuation tokens are DES-encrypted (else 500 on page 2);
 * - it checks that the access key id exists (only 'S3RVER' does → InvalidAccessKeyId otherwise) but does
 *   NOT verify SigV4 signatures, so a wrong secret with the right key id is accepted;
 * - it ignores If-None-Match / If-Match on PUT (see s3rver-proxy.ts for an emulation);
 * - listings are ordered by file name per directory, which equals key order unless a key and a
 *   "folder" compete ('a.txt' vs 'a/b').
 * Never skipped: if s3rver cannot start, the caller's beforeAll fails.
 */
export async function startS3rver(opts: { buckets: string[] }): Promise<S3rverHandle> {
  const dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  const child = fork(CHILD, [JSON.stringify({ directory: dir, buckets: opts.buckets })], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let port: number;
  try {
    port = await waitForPort(child, () => stderr);
  } catch (error) {
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    region: 'us-east-1',
    dir,
    pid: child.pid,
    stop: async () => {
      await terminate(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function waitForPort(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`s3rver did not start: ${reason}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('message', (message: { type: string; port?: number; message?: string }) => {
      if (message.type === 'ready' && message.port) {
        clearTimeout(timer);
        resolve(message.port);
      } else fail(message.message ?? JSON.stringify(message));
    });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal}`));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
