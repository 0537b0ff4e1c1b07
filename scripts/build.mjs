#!/usr/bin/env node
/**
 * Builds what runs at run time, once, so nothing compiles TypeScript when a session starts:
 *
 * - the runner: packages/runner/src/main.ts → packages/runner/dist/main.js. The process launcher and the
 *   Kubernetes runner command run `node packages/runner/dist/main.js`.
 * - the CLI with the server and the forge it starts: packages/cli/src/main.ts → packages/cli/dist/main.js,
 *   what `packages/cli/bin/rfe.js` (`rfe up`, `rfe token`, `rfe forge`) and `npm start` run.
 *
 * Each is one ES module bundled by esbuild with the workspace packages (@rfe/*, TypeScript sources) inlined
 * and every npm dependency left to node_modules (native ones such as better-sqlite3, and those that load
 * files or workers by path such as pino, must stay there anyway). `import.meta.url`/`dirname`/`filename`
 * in a bundled source keep meaning that source file's place in the tree (rewritten relative to the bundle),
 * so the paths the code finds at run time — the web UI's dist/, the runner's bundle, the directory store's
 * worker script, package.json files — are the same built as under tsx.
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

const importMeta = /\bimport\.meta\.(url|dirname|filename)\b/g;

/** `import.meta.*` of each bundled workspace source, as seen from its own file rather than the bundle's. */
function sourceLocations(outfile) {
  const outDir = path.dirname(outfile);
  const relative = (to) => path.relative(outDir, to).split(path.sep).join('/');
  return {
    name: 'source-locations',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const text = await fs.promises.readFile(args.path, 'utf8');
        if (!text.includes('import.meta.')) return undefined;
        const file = JSON.stringify(relative(args.path));
        const dir = JSON.stringify(relative(path.dirname(args.path)) || '.');
        const contents = text.replace(importMeta, (_, what) =>
          what === 'url'
            ? `new URL(${file}, import.meta.url).href`
            : `__rfeFileURLToPath(new URL(${what === 'dirname' ? dir : file}, import.meta.url))`,
        );
        return { contents, loader: path.extname(args.path).endsWith('ts') ? 'ts' : 'js' };
      });
    },
  };
}

/** Bundles entry (a path from the repo root, or absolute) into outfile; resolves to the build time in ms. */
export async function bundle(entry, outfile) {
  const started = performance.now();
  await build({
    entryPoints: [path.resolve(root, entry)],
    outfile: path.resolve(root, outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    banner: { js: "import { fileURLToPath as __rfeFileURLToPath } from 'node:url';" },
    plugins: [workspaceInline, sourceLocations(path.resolve(root, outfile))],
  });
  return performance.now() - started;
}

/** packages/runner/dist/main.js; resolves to the build time in ms. */
export function buildRunner() {
  return bundle('packages/runner/src/main.ts', 'packages/runner/dist/main.js');
}

/** packages/cli/dist/main.js (the CLI, the server and the forge); resolves to the build time in ms. */
export function buildCli() {
  return bundle('packages/cli/src/main.ts', 'packages/cli/dist/main.js');
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
  const [runnerMs, cliMs] = await Promise.all([buildRunner(), buildCli()]);
  console.log(`built packages/runner/dist/main.js in ${runnerMs.toFixed(0)} ms`);
  console.log(`built packages/cli/dist/main.js in ${cliMs.toFixed(0)} ms`);
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
