import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const web = path.join(root, 'packages/web');
const builtIndex = path.join(web, 'dist/index.html');

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/**
 * Builds the UI when packages/web/dist is missing or older than its sources (scripts/test.sh builds it
 * beforehand, so this is usually a no-op). Must run before the platform starts: it serves what it finds.
 */
export function ensureWebBuild(): void {
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json']
    .map((p) => path.join(web, p))
    .filter(fs.existsSync);
  const newestSource = Math.max(
    ...sources.map(newestMtime),
    newestMtime(path.join(root, 'packages/protocol/src')),
  );
  if (fs.existsSync(builtIndex) && fs.statSync(builtIndex).mtimeMs >= newestSource) return;
  execFileSync('npm', ['run', 'build:web', '--silent'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
