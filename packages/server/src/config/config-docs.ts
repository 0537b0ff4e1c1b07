import path from 'node:path';
import { settings } from './config.ts';
import type { Setting } from './settings.ts';

export const configDocsPath = path.resolve(import.meta.dirname, '../../../../docs/configuration.md');

/** docs/configuration.md, rendered from the settings table so the docs cannot drift from the code. */
export function renderConfigDocs(): string {
  const rows = (Object.values(settings) as Setting<unknown>[]).map((s) => {
    const d = typeof s.default === 'function' ? '(computed)' : s.default;
    const shown =
      d === undefined ? '—' : Array.isArray(d) ? (d.length ? d.join(',') : '—') : `\`${String(d)}\``;
    return `| \`${s.env}\` | ${s.describe} | ${shown} |`;
  });
  return [
    '# Configuration',
    '',
    'Generated from `packages/server/src/config/config.ts` by `npm run docs:config`. Every setting is an',
    'environment variable with an embedded default; an invalid value stops start-up with a message naming the',
    'variable and what it accepts. `rfe up --port N --data-dir DIR` override `PORT` and `RFE_DATA_DIR`.',
    '',
    '| variable | meaning | default |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
