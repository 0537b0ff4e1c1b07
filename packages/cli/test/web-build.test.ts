import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureWebUiBuilt, type WebBuildPlan } from '../src/web-build.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A web package on disk whose "build" is a real process writing dist/index.html. */
function webPackage(): WebBuildPlan & { builds: () => number } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-webbuild-'));
  dirs.push(root);
  const webDir = path.join(root, 'web');
  const protocol = path.join(root, 'protocol');
  fs.mkdirSync(path.join(webDir, 'src'), { recursive: true });
  fs.mkdirSync(protocol);
  fs.writeFileSync(path.join(webDir, 'src/main.tsx'), 'x');
  fs.writeFileSync(path.join(protocol, 'index.ts'), 'y');
  let count = 0;
  return {
    webDir,
    extraSources: [protocol],
    build: () => {
      count++;
      execFileSync(process.execPath, [
        '-e',
        `require('fs').mkdirSync(${JSON.stringify(path.join(webDir, 'dist'))}, { recursive: true });` +
          `require('fs').writeFileSync(${JSON.stringify(path.join(webDir, 'dist/index.html'))}, 'ui')`,
      ]);
    },
    builds: () => count,
  };
}

const touch = (file: string, ms: number) => fs.utimesSync(file, ms / 1000, ms / 1000);

describe('rfe up builds the web UI when it is missing or stale', () => {
  it('builds when dist/ is missing, then not again while nothing changed', () => {
    const plan = webPackage();
    expect(ensureWebUiBuilt(plan)).toBe('built');
    expect(fs.existsSync(path.join(plan.webDir, 'dist/index.html'))).toBe(true);
    expect(ensureWebUiBuilt(plan)).toBe('fresh');
    expect(plan.builds()).toBe(1);
  });

  it('rebuilds after a change to a UI source or to the protocol the UI bundles', () => {
    const plan = webPackage();
    ensureWebUiBuilt(plan);
    const built = fs.statSync(path.join(plan.webDir, 'dist/index.html')).mtimeMs;
    touch(path.join(plan.webDir, 'src/main.tsx'), built + 5000);
    expect(ensureWebUiBuilt(plan)).toBe('built');
    touch(path.join(plan.extraSources[0]!, 'index.ts'), Date.now() + 60_000);
    expect(ensureWebUiBuilt(plan)).toBe('built');
    expect(plan.builds()).toBe(3);
  });

  it('does nothing without sources (an installed package serves what it has)', () => {
    const plan = webPackage();
    fs.rmSync(path.join(plan.webDir, 'src'), { recursive: true });
    expect(ensureWebUiBuilt(plan)).toBe('no-sources');
    expect(plan.builds()).toBe(0);
  });

  it('the check itself is fast on the real packages/web', async () => {
    const { defaultPlan } = await import('../src/web-build.ts');
    const started = performance.now();
    ensureWebUiBuilt({ ...defaultPlan, build: () => {} });
    expect(performance.now() - started).toBeLessThan(500);
  });
});
