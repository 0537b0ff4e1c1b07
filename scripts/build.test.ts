import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRunner, bundle } from './build.mjs';

// Inside the repo (.tmp/ is ignored) so the bundles resolve the workspace's packages as the real ones do.
const root = path.resolve(import.meta.dirname, '..');
fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
const tmp = fs.mkdtempSync(path.join(root, '.tmp', 'build-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('scripts/build.mjs', () => {
  it('keeps import.meta.url, dirname and filename of a bundled source pointing at that source', async () => {
    const source = path.join(tmp, 'packages/thing/src/deep/where.ts');
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(
      source,
      `const sibling: string = new URL('./data.json', import.meta.url).pathname;
console.log(JSON.stringify({ url: import.meta.url, dirname: import.meta.dirname, filename: import.meta.filename, sibling }));\n`,
    );
    const outfile = path.join(tmp, 'packages/other/dist/main.js');
    await bundle(source, outfile);
    const seen = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }));
    expect(seen).toEqual({
      url: pathToFileURL(source).href,
      dirname: path.dirname(source),
      filename: source,
      sibling: path.join(path.dirname(source), 'data.json'),
    });
  });

  it('leaves npm packages to node_modules and inlines the workspace packages', async () => {
    const source = path.join(tmp, 'entry.ts');
    fs.writeFileSync(
      source,
      `import { Type } from '@sinclair/typebox';
import { PROTOCOL_VERSION } from '@rfe/protocol';
console.log(typeof Type.Object, PROTOCOL_VERSION);\n`,
    );
    const outfile = path.join(tmp, 'out/entry.js');
    await bundle(source, outfile);
    const text = fs.readFileSync(outfile, 'utf8');
    expect(text).toMatch(/from "@sinclair\/typebox"/);
    expect(text).not.toMatch(/from "@rfe\/protocol"/);
    expect(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }).trim()).toBe('function 1');
  });

  it('bundles the runner with its npm packages and loads the Claude Agent SDK only in its adapter chunk', async () => {
    await buildRunner();
    const dist = path.join(root, 'packages/runner/dist');
    const main = fs.readFileSync(path.join(dist, 'main.js'), 'utf8');
    expect(main).not.toMatch(/from "ws"|from "@sinclair\/typebox/);
    expect(main).not.toContain('@anthropic-ai/claude-agent-sdk');
    const chunk = /import\("\.\/(claude-adapter-[A-Z0-9]+\.js)"\)/.exec(main);
    expect(chunk, 'main.js imports the Claude adapter lazily').not.toBeNull();
    const reaches = (file: string, seen = new Set<string>()): boolean => {
      if (seen.has(file)) return false;
      seen.add(file);
      const text = fs.readFileSync(path.join(dist, file), 'utf8');
      if (text.includes('from "@anthropic-ai/claude-agent-sdk"')) return true;
      return [...text.matchAll(/from "\.\/([^"]+\.js)"/g)].some((m) => reaches(m[1]!, seen));
    };
    expect(reaches(chunk![1]!)).toBe(true);
  });
});
