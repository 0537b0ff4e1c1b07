import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTypesPath, renderApiTypes } from '../scripts/api-types.ts';

describe("the web's API types", () => {
  it('src/api/generated.ts matches the OpenAPI document (run `npm run openapi` after changing a schema)', async () => {
    const committed = fs.readFileSync(apiTypesPath, 'utf8');
    expect(await renderApiTypes()).toBe(committed);
  });
});
