import * as fs from 'fs';
import * as path from 'path';
import archiver from 'archiver';
import { Command } from 'commander';
import { build } from 'esbuild';
import { SKILL_BUNDLE } from './esbuildSources';

/**
 * `npm run bundle`: what `jovo3 deploy --stage production` uploads to Lambda (the Jovo CLI runs `npm run bundle`
 * and uploads `bundle.zip` from the project folder). One esbuild bundle of the skill's entry, `index.js` with
 * `index.handler`, everything it uses inside (the AWS SDK v3 parts included, so the code does not depend on the
 * SDK of the Lambda runtime), and app.json beside it; then bundle.zip beside the folder.
 */
const root = path.join(__dirname, '..', '..');

const options = new Command('npm run bundle --')
  .description('Writes the Lambda bundle: bundle/ and bundle.zip (what jovo3 deploy uploads).')
  .option('--out <dir>', 'where to write the folder; bundle.zip goes beside it', path.join(root, 'bundle'))
  .option('--no-zip', 'stop after the folder')
  .parse()
  .opts<{ out: string; zip: boolean }>();

const bundle = path.resolve(options.out);
const zipFile = path.join(path.dirname(bundle), 'bundle.zip');
const shown = (file: string) => path.relative(process.cwd(), file) || '.';
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;


async function main(): Promise<void> {
  fs.rmSync(bundle, { recursive: true, force: true });
  fs.rmSync(zipFile, { force: true });
  await build({
    ...SKILL_BUNDLE,
    // The Lambda entry alone: without the webhook, Express and its body parsers stay out of the bundle.
    entryPoints: [path.join(root, 'src', 'entry', 'lambda.ts')],
    outfile: path.join(bundle, 'index.js'),
    legalComments: 'external',
  });
  fs.copyFileSync(path.join(root, 'app.json'), path.join(bundle, 'app.json'));
  console.log(`${shown(bundle)}: index.js ${megabytes(fs.statSync(path.join(bundle, 'index.js')).size)} and app.json`);
  if (options.zip) await zip();
}

function zip(): Promise<void> {
  return new Promise((resolve, reject) => {
    const output = fs.createWriteStream(zipFile);
    const archive = archiver('zip', { zlib: { level: 9 } });
    archive.on('error', reject);
    output.on('error', reject);
    output.on('close', () => {
      console.log(`${shown(zipFile)}: ${megabytes(archive.pointer())}`);
      resolve();
    });
    archive.pipe(output);
    archive.directory(bundle, false);
    void archive.finalize();
  });
}

main().catch((error: Error) => {
  console.error(`npm run bundle failed: ${error.message}`);
  process.exitCode = 1;
});
