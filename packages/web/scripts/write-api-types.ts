import { apiTypesPath, writeApiTypes } from './api-types.ts';

await writeApiTypes();
console.log(`wrote ${apiTypesPath}`);
