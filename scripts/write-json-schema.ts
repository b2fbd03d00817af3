import * as fs from 'fs';
import * as path from 'path';
import { jsonSchemaFiles } from '../src/proactive';

/** `npm run json-schema`: rewrites json-schema/ from the zod definitions (a test checks it is current). */
const folder = path.join(__dirname, '..', '..', 'json-schema');
fs.rmSync(folder, { recursive: true, force: true });
fs.mkdirSync(folder);
for (const [file, schema] of Object.entries(jsonSchemaFiles())) {
  fs.writeFileSync(path.join(folder, file), `${JSON.stringify(schema, null, 2)}\n`);
}
console.log(`Wrote ${Object.keys(jsonSchemaFiles()).length} files to ${path.relative(process.cwd(), folder) || '.'}`);
