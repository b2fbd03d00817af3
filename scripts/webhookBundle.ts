import * as path from 'path';
import { build } from 'esbuild';
import { PACKAGE_SOURCES, packageSources, sourcesWithoutSideEffects } from './esbuildSources';

/**
 * Writes dist/index.js, the webhook in one file with its source map: what `npm start` and `jovo3 run` serve.
 * scripts/fresh.js runs this after a build that left it stale. A process that loads one file rather than some
 * five hundred modules answers its first request sooner (`npm run bench -- coldStart`); the stack traces still
 * name the sources, through the map (Jovo installs source-map-support). Express, Jovo and zod go inside too; the
 * AWS SDK only as far as the DynamoDB store needs it, loaded when DYNAMODB_TABLE asks for it.
 */
const root = path.join(__dirname, '..', '..');

async function main(): Promise<void> {
  await build({
    entryPoints: [path.join(root, 'src', 'entry', 'serve.ts')],
    outfile: path.join(root, 'dist', 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
    plugins: [packageSources(Object.keys(PACKAGE_SOURCES)), sourcesWithoutSideEffects],
  });
}

main().catch((error: Error) => {
  console.error(`Bundling the webhook failed: ${error.message}`);
  process.exitCode = 1;
});
