import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import archiver from 'archiver';
import { Command } from 'commander';

/**
 * `npm run bundle`: what `jovo3 deploy --stage production` uploads to Lambda (the Jovo CLI runs `npm run bundle`
 * and uploads `bundle.zip` from the project folder). Writes bundle/ (the compiled skill at its root, so the
 * handler is `index.handler`, app.json beside it, and the production dependencies exactly as installed, copied,
 * not downloaded) and zips it to bundle.zip beside the folder.
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

fs.rmSync(bundle, { recursive: true, force: true });
fs.rmSync(zipFile, { force: true });
fs.cpSync(path.join(root, 'dist', 'src'), bundle, { recursive: true, filter: (file) => !file.endsWith('.map') });
fs.copyFileSync(path.join(root, 'app.json'), path.join(bundle, 'app.json'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: object };
fs.writeFileSync(path.join(bundle, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, main: 'index.js', dependencies: pkg.dependencies }, null, 2)}\n`);

// Every production dependency where npm installed it, nested ones included; a parent's copy brings its nested ones.
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const listed = execFileSync(npm, ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const packages = [...new Set(listed.split('\n').filter((line) => line.includes(`${path.sep}node_modules${path.sep}`)))];
for (const from of packages.sort()) {
  const to = path.join(bundle, path.relative(root, from));
  if (!fs.existsSync(to)) fs.cpSync(from, to, { recursive: true, filter: (file) => !file.includes(`${path.sep}node_modules${path.sep}.bin`) });
}
console.log(`${shown(bundle)}: the skill, app.json and ${packages.length} production packages`);

if (options.zip) {
  const output = fs.createWriteStream(zipFile);
  const zip = archiver('zip', { zlib: { level: 9 } });
  const fail = (error: Error) => {
    console.error(`Could not write ${shown(zipFile)}: ${error.message}`);
    process.exitCode = 1;
  };
  zip.on('error', fail);
  output.on('error', fail);
  output.on('close', () => console.log(`${shown(zipFile)}: ${(zip.pointer() / 1024 / 1024).toFixed(1)} MB`));
  zip.pipe(output);
  zip.directory(bundle, false);
  void zip.finalize();
}
