#!/usr/bin/env node
// Runs the built CLI (packages/cli/dist/main.js: the CLI, the server and the forge in one bundle), built by
// scripts/build.mjs on `npm install`, `npm run build` and `npm start`. Nothing compiles TypeScript here.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = fileURLToPath(new URL('../..', import.meta.url));
const bundle = path.join(packages, 'cli/dist/main.js');
if (!fs.existsSync(bundle)) {
  console.error(
    'rfe: packages/cli/dist/main.js is not built yet. Run `npm run build` (or `npm install`) first.',
  );
  process.exit(2);
}

/** Newest file time under dir (0 when it does not exist, as in an install without sources). */
function newest(dir) {
  if (!fs.existsSync(dir)) return 0;
  let time = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) time = Math.max(time, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return time;
}
const sources = ['cli', 'server', 'forge', 'protocol'].map((p) => newest(path.join(packages, p, 'src')));
if (Math.max(...sources) > fs.statSync(bundle).mtimeMs) {
  console.error(
    'rfe: warning: sources changed since packages/cli/dist/main.js was built; `npm run build` rebuilds it.',
  );
}

// Stack traces name the TypeScript sources (dist/main.js.map), not lines of the bundle.
process.setSourceMapsEnabled(true);
await import(new URL('../dist/main.js', import.meta.url).href);
