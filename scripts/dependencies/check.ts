/**
 * Dependencies declared where they are used, and only there.
 *
 * - A package's production code (`src/**` and `bin/**`, tests excluded) imports only its own `dependencies`
 *   (or `peerDependencies`), and `dependencies` hold nothing its production code does not import.
 * - Its tests, scripts and config import its own `devDependencies`/`dependencies`, or the workspace's shared
 *   dev toolchain: the root `devDependencies` (vitest, fast-check, typescript …).
 * - Every declared package is used: imported, loaded with `--import`, run as a command by a script, or it is
 *   `@types/x` for an imported `x`.
 * - Root `devDependencies` are used by root files (bench/, e2e/, scripts/, config) or by some package's tests,
 *   or run as a command (package.json scripts, scripts/*.sh, .ci/).
 *
 * Run: `node --import tsx scripts/dependencies/check.ts` (exit 1 and one line per finding).
 */
import fs from 'node:fs';
import path from 'node:path';
import { packagesUsedIn, packagesUsedInCss } from './imports.ts';

export interface Finding {
  /** The package.json's package name, or `(root)`. */
  pkg: string;
  dependency: string;
  problem: string;
}

interface Manifest {
  name?: string;
  workspaces?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bin?: string | Record<string, string>;
}

interface Usage {
  production: Set<string>;
  development: Set<string>;
  /** Which file first used each package, in production code and in the rest, for the messages. */
  whereProduction: Map<string, string>;
  where: Map<string, string>;
}

const SOURCE = /\.(c|m)?(t|j)sx?$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.rfe', 'coverage', '.git', '.tmp', 'public']);
const TEST_FILE = /\.test\.(t|j)sx?$/;

const readJson = (file: string): Manifest => JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;

function* walk(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) return;
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}

function emptyUsage(): Usage {
  return { production: new Set(), development: new Set(), whereProduction: new Map(), where: new Map() };
}

function record(
  usage: Usage,
  files: Iterable<string>,
  isProduction: (file: string) => boolean,
  root: string,
) {
  for (const file of files) {
    const css = file.endsWith('.css');
    if ((!SOURCE.test(file) && !css) || file.endsWith('.d.ts')) continue;
    const production = isProduction(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const use of css ? packagesUsedInCss(text) : packagesUsedIn(file, text)) {
      // A stylesheet's @import is resolved by the build (tailwindcss): a build-time need, like a type.
      const runtime = production && !use.typeOnly && !css;
      (runtime ? usage.production : usage.development).add(use.name);
      const where = runtime ? usage.whereProduction : usage.where;
      if (!where.has(use.name)) where.set(use.name, path.relative(root, file));
    }
  }
}

/** The command names a package installs (`tsc` for typescript, `biome` for @biomejs/biome …). */
function binsOf(dependency: string, searchFrom: string[]): string[] {
  for (const dir of searchFrom) {
    const manifest = path.join(dir, 'node_modules', dependency, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const { bin, name } = readJson(manifest);
    if (!bin) return [];
    return typeof bin === 'string' ? [(name ?? dependency).split('/').pop() as string] : Object.keys(bin);
  }
  return [];
}

function runsCommand(commands: string[], bins: string[]): boolean {
  return bins.some((bin) => {
    const word = new RegExp(
      `(^|[\\s;&|(/'"])${bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\s;&|)'"]|$)`,
      'm',
    );
    return commands.some((command) => word.test(command));
  });
}

/** `@types/node` is used by any TypeScript; `@types/x` by an import of `x` (or `@types/a__b` by `@a/b`). */
function typesTarget(dependency: string): string | undefined {
  if (!dependency.startsWith('@types/')) return undefined;
  const bare = dependency.slice('@types/'.length);
  return bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
}

export function checkWorkspace(root: string): Finding[] {
  const rootManifest = readJson(path.join(root, 'package.json'));
  const findings: Finding[] = [];
  const packageDirs = (rootManifest.workspaces ?? []).map((w) => path.join(root, w));
  const toolchain = new Set(Object.keys(rootManifest.devDependencies ?? {}));
  const usedByPackageTests = new Set<string>();
  const allCommands: string[] = [...Object.values(rootManifest.scripts ?? {})];
  for (const file of [...walk(path.join(root, 'scripts')), ...walk(path.join(root, '.ci'))]) {
    if (!SOURCE.test(file)) allCommands.push(fs.readFileSync(file, 'utf8'));
  }

  for (const dir of packageDirs) {
    const manifest = readJson(path.join(dir, 'package.json'));
    const pkg = manifest.name ?? path.relative(root, dir);
    const deps = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const devDeps = new Set(Object.keys(manifest.devDependencies ?? {}));
    const usage = emptyUsage();
    const isProduction = (file: string) => {
      const rel = path.relative(dir, file).split(path.sep);
      return (rel[0] === 'src' || rel[0] === 'bin') && !TEST_FILE.test(file);
    };
    record(usage, walk(dir), isProduction, root);
    const commands = Object.values(manifest.scripts ?? {});
    allCommands.push(...commands);

    for (const name of usage.production) {
      if (name === pkg || deps.has(name)) continue;
      const where = usage.whereProduction.get(name);
      findings.push({
        pkg,
        dependency: name,
        problem: devDeps.has(name)
          ? `production code imports it (${where}) but it is only a devDependency: move it to dependencies`
          : `production code imports it (${where}) but package.json does not declare it: add it to dependencies`,
      });
    }
    for (const name of usage.development) {
      if (name === pkg || deps.has(name) || devDeps.has(name) || usage.production.has(name)) continue;
      if (toolchain.has(name)) {
        usedByPackageTests.add(name);
        continue;
      }
      findings.push({
        pkg,
        dependency: name,
        problem: `${usage.where.get(name)} imports it but neither this package nor the root declares it: add it to devDependencies`,
      });
    }
    const used = (name: string) => {
      const target = typesTarget(name);
      if (target === 'node') return true;
      if (target) return usage.production.has(target) || usage.development.has(target);
      return (
        usage.production.has(name) ||
        usage.development.has(name) ||
        runsCommand(commands, binsOf(name, [dir, root]))
      );
    };
    for (const name of deps) {
      if (typesTarget(name)) {
        findings.push({
          pkg,
          dependency: name,
          problem: 'type definitions are a build-time need: move it to devDependencies',
        });
      } else if (!used(name)) {
        findings.push({
          pkg,
          dependency: name,
          problem: 'declared in dependencies but never imported: remove it',
        });
      } else if (!usage.production.has(name) && !runsCommand(commands, binsOf(name, [dir, root]))) {
        findings.push({
          pkg,
          dependency: name,
          problem: `production code never imports it at run time (${usage.where.get(name)} does): move it to devDependencies`,
        });
      }
    }
    for (const name of devDeps) {
      if (!used(name))
        findings.push({
          pkg,
          dependency: name,
          problem: 'declared in devDependencies but never used: remove it',
        });
    }
  }

  const rootUsage = emptyUsage();
  const rootFiles = [
    ...['bench', 'e2e', 'scripts'].flatMap((d) => [...walk(path.join(root, d))]),
    ...fs
      .readdirSync(root)
      .filter((f) => SOURCE.test(f))
      .map((f) => path.join(root, f)),
  ];
  record(rootUsage, rootFiles, () => false, root);
  const workspaceNames = new Set(packageDirs.map((dir) => readJson(path.join(dir, 'package.json')).name));
  for (const name of rootUsage.development) {
    if (toolchain.has(name) || workspaceNames.has(name)) continue;
    findings.push({
      pkg: '(root)',
      dependency: name,
      problem: `${rootUsage.where.get(name)} imports it but the root package.json does not declare it: add it to devDependencies`,
    });
  }
  for (const name of Object.keys(rootManifest.dependencies ?? {})) {
    findings.push({
      pkg: '(root)',
      dependency: name,
      problem: 'the root is not deployed: declare it in devDependencies',
    });
  }
  for (const name of toolchain) {
    const target = typesTarget(name);
    const used =
      target === 'node' ||
      rootUsage.development.has(target ?? name) ||
      usedByPackageTests.has(target ?? name) ||
      runsCommand(allCommands, binsOf(name, [root]));
    if (!used)
      findings.push({
        pkg: '(root)',
        dependency: name,
        problem: 'declared in devDependencies but never used: remove it',
      });
  }
  return findings;
}

export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.pkg}: ${f.dependency} — ${f.problem}`).join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const findings = checkWorkspace(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..'));
  if (findings.length > 0) {
    console.error(formatFindings(findings));
    process.exit(1);
  }
  console.log('dependencies: every package declares what it imports, and imports what it declares');
}
