import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { createContext } from '../context.ts';
import { createLogger } from '../observability/logger.ts';

export const committedOpenApiPath = path.resolve(
  import.meta.dirname,
  '../../../../specs/001-rfe-workspaces/contracts/openapi.yaml',
);

/** Builds the app on a throwaway data dir and renders its OpenAPI document as YAML. */
export async function renderOpenApiYaml(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-openapi-'));
  const ctx = await createContext(loadConfig({ LOG_LEVEL: 'silent' }, { dataDir }), {
    logger: createLogger('silent'),
  });
  try {
    const app = await buildApp(ctx);
    await app.ready();
    const doc = app.swagger();
    await app.close();
    return `# Generated from the route schemas by \`npm run openapi\`. Do not edit by hand.\n${stringify(doc, { sortMapEntries: false })}`;
  } finally {
    await ctx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
