import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWorkspace, formatFindings } from './check.ts';
import { packagesUsedIn } from './imports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('dependency declarations of this repository', () => {
  it('every package declares what it imports, where it imports it, and imports what it declares', () => {
    const findings = checkWorkspace(ROOT);
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});

describe('reading what a file uses', () => {
  it('sees imports, re-exports, dynamic imports, require, resolve and node loaders; not comments', () => {
    // Built at run time so that this file itself does not appear to load the packages it names.
    const LOADER = ['--', 'import'].join('');
    const uses = packagesUsedIn(
      'x.ts',
      `
      import a from 'alpha/sub';
      import type { B } from '@scope/beta';
      export { c } from 'gamma';
      // import nothing from 'in-a-comment';
      const d = await import('delta');
      const e = require('epsilon');
      const f = createRequire(import.meta.url).resolve('zeta/file.js');
      spawn(process.execPath, ['${LOADER}', 'eta', main]);
      const cmd = \`node ${LOADER} theta \${file}\`;
      import fs from 'node:fs';
      import path from 'path';
      `,
    );
    expect(uses).toEqual([
      { name: 'alpha', typeOnly: false },
      { name: '@scope/beta', typeOnly: true },
      { name: 'gamma', typeOnly: false },
      { name: 'delta', typeOnly: false },
      { name: 'epsilon', typeOnly: false },
      { name: 'zeta', typeOnly: false },
      { name: 'eta', typeOnly: false },
      { name: 'theta', typeOnly: false },
    ]);
  });
});

describe('the check fails on a workspace that lies about its dependencies', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, content: unknown) => {
    const full = path.join(dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  };

  it('names each undeclared, unused, misplaced and test-only dependency', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-deps-'));
    write('package.json', {
      workspaces: ['packages/app'],
      scripts: { lint: 'biome check .' },
      devDependencies: { vitest: '1', 'never-used-at-root': '1', '@biomejs/biome': '1' },
    });
    write('node_modules/@biomejs/biome/package.json', {
      name: '@biomejs/biome',
      bin: { biome: 'bin/biome' },
    });
    write('packages/app/package.json', {
      name: '@x/app',
      dependencies: { declared: '1', unused: '1', 'tests-only': '1', '@types/declared': '1' },
      devDependencies: { 'dev-in-production': '1', 'dev-unused': '1' },
    });
    write(
      'packages/app/src/main.ts',
      "import 'declared';\nimport 'undeclared';\nimport 'dev-in-production';\nimport type { T } from 'types-only';\n",
    );
    write('packages/app/src/main.test.ts', "import 'vitest';\nimport 'tests-only';\nimport 'types-only';\n");
    write('bench/run.ts', "import 'bench-undeclared';\n");

    const found = checkWorkspace(dir).map((f) => `${f.pkg} ${f.dependency}: ${f.problem.split(':')[0]}`);
    expect(found.sort()).toEqual(
      [
        '@x/app undeclared: production code imports it (packages/app/src/main.ts) but package.json does not declare it',
        '@x/app dev-in-production: production code imports it (packages/app/src/main.ts) but it is only a devDependency',
        '@x/app types-only: packages/app/src/main.test.ts imports it but neither this package nor the root declares it',
        '@x/app unused: declared in dependencies but never imported',
        '@x/app tests-only: production code never imports it at run time (packages/app/src/main.test.ts does)',
        '@x/app @types/declared: type definitions are a build-time need',
        '@x/app dev-unused: declared in devDependencies but never used',
        '(root) bench-undeclared: bench/run.ts imports it but the root package.json does not declare it',
        '(root) never-used-at-root: declared in devDependencies but never used',
      ].sort(),
    );
  });
});
