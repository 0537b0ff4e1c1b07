import fs from 'node:fs';
import { configDocsPath, renderConfigDocs } from '../src/config/config-docs.ts';

fs.writeFileSync(configDocsPath, renderConfigDocs());
console.log(`wrote ${configDocsPath}`);
