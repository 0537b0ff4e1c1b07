#!/usr/bin/env node
/**
 * Builds what runs at run time, once, so nothing compiles TypeScript when a session starts:
 *
 * - the runner: packages/runner/src/main.ts → packages/runner/dist/main.js. The process launcher and the
 *   Kubernetes runner command run `node packages/runner/dist/main.js`.
 * - the CLI with the server and the forge it starts: packages/cli/src/main.ts → packages/cli/dist/main.js,
 *   what `packages/cli/bin/rfe.js` (`rfe up`, `rfe token`, `rfe forge`) and `npm start` run.
 *
 * Each is an ES module bundled by esbuild with the workspace packages (@rfe/*, TypeScript sources) inlined.
 * The CLI leaves every npm dependency to node_modules (native ones such as better-sqlite3, and those that
 * load files or workers by path such as pino, must stay there anyway); the runner, whose start is on every
 * session's path, bundles its npm packages too but the Claude Agent SDK (see buildRunner). `import.meta.url`/`dirname`/`filename`
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

/**
 * Which imports stay out of the bundle, to be loaded from node_modules at run time: `'npm'` every npm
 * package (workspace packages, TypeScript sources, are always bundled), or a list of package names.
 */
function externals(keep) {
  return {
    name: 'externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@rfe/') || args.path.startsWith('node:')) return undefined;
        const name = args.path
          .split('/')
          .slice(0, args.path.startsWith('@') ? 2 : 1)
          .join('/');
        return keep === 'npm' || keep.includes(name) ? { path: args.path, external: true } : undefined;
      });
    },
  };
}

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

/**
 * Bundles entry (a path from the repo root, or absolute) into outfile; resolves to the build time in ms.
 * `external`: see externals(). `splitting`: modules imported only with `import()` go to chunks of their own
 * beside outfile, loaded when first imported.
 */
export async function bundle(entry, outfile, { external = 'npm', splitting = false } = {}) {
  const started = performance.now();
  const out = path.resolve(root, outfile);
  const result = await build({
    entryPoints: { [path.basename(out, '.js')]: path.resolve(root, entry) },
    outdir: path.dirname(out),
    bundle: true,
    splitting,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    banner: {
      // fileURLToPath: sourceLocations(); require: the CommonJS packages bundled in (ws) require node's own modules.
      js: [
        "import { fileURLToPath as __rfeFileURLToPath } from 'node:url';",
        "import { createRequire as __rfeCreateRequire } from 'node:module';",
        'const require = __rfeCreateRequire(import.meta.url);',
      ].join(' '),
    },
    plugins: [externals(external), sourceLocations(out)],
    metafile: true,
  });
  if (splitting) removeOldChunks(path.dirname(out), Object.keys(result.metafile.outputs));
  return performance.now() - started;
}

/**
 * Chunks of earlier builds (their names carry a content hash) beside this one's, once no runner started
 * before the rebuild can still load them: older than an hour.
 */
function removeOldChunks(dir, outputs) {
  const current = new Set(outputs.map((o) => path.resolve(root, o)));
  const hourAgo = Date.now() - 3_600_000;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!/-[A-Z0-9]{8}\.js(\.map)?$/.test(name) || current.has(file)) continue;
    if (fs.statSync(file).mtimeMs < hourAgo) fs.rmSync(file, { force: true });
  }
}

/**
 * packages/runner/dist/main.js; resolves to the build time in ms. Its npm packages are bundled in, so a
 * session's runner resolves and reads one file where it read dozens (half its start time); the Claude Agent
 * SDK stays in node_modules (it starts its own CLI from its package folder), loaded with the Claude adapter's
 * chunk only by the sessions that use it.
 */
export function buildRunner() {
  return bundle('packages/runner/src/main.ts', 'packages/runner/dist/main.js', {
    external: ['@anthropic-ai/claude-agent-sdk'],
    splitting: true,
  });
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
