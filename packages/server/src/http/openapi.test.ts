import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { committedOpenApiPath, renderOpenApiYaml } from './openapi-document.ts';

describe('OpenAPI document', () => {
  it('the committed openapi.yaml matches the route schemas (run `npm run openapi` after changing a schema)', async () => {
    const committed = fs.readFileSync(committedOpenApiPath, 'utf8');
    expect(await renderOpenApiYaml()).toBe(committed);
  });
});
