import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export interface WebBuildPlan {
  /** packages/web: sources in src/, public/, index.html, vite.config.ts, package.json; output in dist/. */
  webDir: string;
  /** Other sources the bundle includes (the protocol package). */
  extraSources: string[];
  /** Runs the build; `npm run build:web` by default. */
  build: () => void;
}

export const defaultPlan: WebBuildPlan = {
  webDir: path.join(repoRoot, 'packages/web'),
  extraSources: [path.join(repoRoot, 'packages/protocol/src')],
  build: () =>
    execFileSync('npm', ['run', 'build:web', '--silent'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
};

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/**
 * `rfe up` on a fresh clone (or after a pull) serves a current UI: builds packages/web when dist/ is
 * missing or older than any of its sources. The check is a walk of file times (a few ms); the build,
 * when needed, takes about a second. Without sources (an installed package) there is nothing to do.
 */
export function ensureWebUiBuilt(plan: WebBuildPlan = defaultPlan): 'fresh' | 'built' | 'no-sources' {
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json']
    .map((p) => path.join(plan.webDir, p))
    .filter((p) => fs.existsSync(p));
  if (!fs.existsSync(path.join(plan.webDir, 'src'))) return 'no-sources';
  const newestSource = Math.max(...[...sources, ...plan.extraSources.filter(fs.existsSync)].map(newestMtime));
  const index = path.join(plan.webDir, 'dist/index.html');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestSource) return 'fresh';
  plan.build();
  return 'built';
}
