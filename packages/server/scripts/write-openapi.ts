import fs from 'node:fs';
import { committedOpenApiPath, renderOpenApiYaml } from '../src/http/openapi-document.ts';

fs.writeFileSync(committedOpenApiPath, await renderOpenApiYaml());
console.log(`wrote ${committedOpenApiPath}`);
