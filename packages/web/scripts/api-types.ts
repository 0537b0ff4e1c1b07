import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/** The server's OpenAPI document, itself generated from the route schemas (`npm run openapi`). */
export const openApiPath = path.resolve(
  import.meta.dirname,
  '../../../specs/001-rfe-workspaces/contracts/openapi.yaml',
);
export const apiTypesPath = path.resolve(import.meta.dirname, '../src/api/generated.ts');

const header = `/**
 * The API's request and response types, generated from the server's OpenAPI document
 * (specs/001-rfe-workspaces/contracts/openapi.yaml, itself generated from the route schemas) by
 * \`npm run openapi\`. Do not edit by hand: packages/web/test/api-types.test.ts fails when this file and
 * the document differ. Types only: nothing here reaches the bundle.
 */
`;

/** Renders generated.ts from the committed OpenAPI document. */
export async function renderApiTypes(): Promise<string> {
  const ast = await openapiTS(pathToFileURL(openApiPath), {
    // Properties the schema does not list are refused by the server (additionalProperties: false).
    additionalProperties: false,
    // `required` as the schemas declare it, also in responses.
    defaultNonNullable: false,
  });
  return header + astToString(ast);
}

export async function writeApiTypes(): Promise<void> {
  fs.writeFileSync(apiTypesPath, await renderApiTypes());
}
