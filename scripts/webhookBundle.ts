import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { build } from 'esbuild';
import { NODE_BUNDLE, SKILL_BUNDLE } from './esbuildSources';

/**
 * Writes the webhook in one file with its source map, dist/webhook.js, the V8 code cache of its modules,
 * dist/webhook.cache, and last dist/index.js, which runs the one with the other (scripts/webhookLoader.ts): what
 * `npm start` and `jovo3 run` serve.
 * scripts/fresh.js runs this after a build that left it stale. A process that loads one file rather than some
 * five hundred modules answers its first request sooner (`npm run bench -- coldStart`); the stack traces still
 * name the sources, through the map (Jovo installs source-map-support). Express, Jovo and zod go inside too; the
 * AWS SDK only as far as the DynamoDB store needs it, loaded when DYNAMODB_TABLE asks for it.
 */
const root = path.join(__dirname, '..', '..');

async function main(): Promise<void> {
  await build({ ...SKILL_BUNDLE, entryPoints: [path.join(root, 'src', 'entry', 'serve.ts')], outfile: path.join(root, 'dist', 'webhook.js'), sourcemap: true });
  // The loader goes in place last, under its name: a bundling cut short leaves dist/index.js missing or older than
  // the build, so the next `npm start` bundles again.
  const loader = path.join(root, 'dist', 'index.js');
  const next = path.join(root, 'dist', '.index.next.js');
  await build({ ...NODE_BUNDLE, entryPoints: [path.join(root, 'scripts', 'webhookLoader.ts')], outfile: next });
  // In a process of its own: running the bundle's modules has effects (Jovo's log, process listeners) a build need not keep.
  const cached = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(next)}).writeCodeCache(); process.exit(0)`], { stdio: 'inherit' });
  if (cached.status !== 0) throw new Error(`writing the code cache exited with ${cached.status}`);
  fs.renameSync(next, loader);
}

main().catch((error: Error) => {
  console.error(`Bundling the webhook failed: ${error.message}`);
  process.exitCode = 1;
});
