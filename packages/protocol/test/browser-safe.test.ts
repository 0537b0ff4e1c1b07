import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { WebSocketConstructor } from '../src/index.ts';

const SRC = join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('the package runs in a browser', () => {
  it('imports only its own files and TypeBox, and uses no Node globals', () => {
    const problems: string[] = [];
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(/from '([^']+)'/g)) {
        if (!specifier.startsWith('.') && !specifier.startsWith('@sinclair/typebox')) {
          problems.push(`${relative(SRC, file)} imports ${specifier}`);
        }
      }
      if (/\b(process\.|Buffer\b|require\()/.test(text))
        problems.push(`${relative(SRC, file)} uses a Node global`);
    }
    expect(problems).toEqual([]);
  });

  it('accepts the browser WebSocket and the ws WebSocket alike (checked by the compiler)', () => {
    const browser: WebSocketConstructor | undefined = (globalThis as { WebSocket?: typeof WebSocket })
      .WebSocket;
    const node: WebSocketConstructor = NodeWebSocket;
    expect(node).toBeTypeOf('function');
    expect(browser === undefined || typeof browser === 'function').toBe(true);
  });
});
