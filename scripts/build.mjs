#!/usr/bin/env node
/**
 * Builds what runs at run time, once, so nothing compiles TypeScript when a session starts:
 *
 * - the runner: packages/runner/src/main.ts → packages/runner/dist/main.js, one ES module bundled by esbuild
 *   with the workspace packages (@rfe/*, TypeScript sources) inlined and every npm dependency left to
 *   node_modules. The process launcher and the Kubernetes runner command run `node packages/runner/dist/main.js`.
 * - with `--web`: the web UI (vite build) when packages/web/dist is missing or older than its sources.
 *
 * Runs on `npm install` (the root `prepare` script), before every `npm start`, and once before the test suite
 * (scripts/build.global.ts). Plain JavaScript: it needs nothing built to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Workspace packages are bundled (their entry points are .ts files); everything else stays external. */
const workspaceInline = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@rfe/') || args.path.startsWith('node:')
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

export async function buildRunner() {
  const started = performance.now();
  await build({
    entryPoints: [path.join(root, 'packages/runner/src/main.ts')],
    outfile: path.join(root, 'packages/runner/dist/main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [workspaceInline],
  });
  return performance.now() - started;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The web UI's sources (and the protocol package it imports) against its built index.html. */
export function webIsStale() {
  const built = path.join(root, 'packages/web/dist/index.html');
  if (!fs.existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(root, 'packages/web')),
    newestMtime(path.join(root, 'packages/protocol/src')),
  );
  return sources > fs.statSync(built).mtimeMs;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ms = await buildRunner();
  console.log(`built packages/runner/dist/main.js in ${ms.toFixed(0)} ms`);
  if (process.argv.includes('--web') && fs.existsSync(path.join(root, 'packages/web/vite.config.ts'))) {
    if (webIsStale()) {
      console.log('building the web UI (packages/web/dist is missing or older than its sources)');
      const res = spawnSync('npm', ['run', 'build', '-w', '@rfe/web'], { cwd: root, stdio: 'inherit' });
      if (res.status !== 0) process.exit(res.status ?? 1);
    } else {
      console.log('web UI is up to date');
    }
  }
}
