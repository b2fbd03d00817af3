'use strict';
// `npm run json-schema`: rewrites json-schema/ from the zod definitions of the built library (a test checks that
// the files are current).
const fs = require('fs');
const path = require('path');
const { jsonSchemaFiles } = require('../dist/internal');

const folder = path.join(__dirname, '..', 'json-schema');
const files = jsonSchemaFiles();
fs.rmSync(folder, { recursive: true, force: true });
fs.mkdirSync(folder);
for (const [file, schema] of Object.entries(files)) {
  fs.writeFileSync(path.join(folder, file), `${JSON.stringify(schema, null, 2)}\n`);
}
console.log(`Wrote ${Object.keys(files).length} files to ${path.relative(process.cwd(), folder) || '.'}`);
