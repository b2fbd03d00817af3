import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * dist/index.js (scripts/webhookLoader.ts) runs the webhook's bundle with the code cache made beside it. Here the
 * compiled loader runs beside a small bundle of its own, in a folder of its own, as it runs beside dist/webhook.js.
 */
const LOADER = path.join(__dirname, '..', 'dist', 'scripts', 'webhookLoader.js');

function folder(bundle: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-loader-'));
  fs.copyFileSync(LOADER, path.join(dir, 'index.js'));
  fs.writeFileSync(path.join(dir, 'webhook.js'), bundle);
  return dir;
}

/** What the bundle prints as the main module; and `writeCodeCache`, as scripts/webhookBundle.ts calls it. */
const serve = (dir: string) => spawnSync(process.execPath, [path.join(dir, 'index.js')], { encoding: 'utf8' });
const writeCache = (dir: string) =>
  spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, 'index.js'))}).writeCodeCache()`], { encoding: 'utf8' });

// The word in the top-level code, which the cache holds compiled.
const bundle = (word: string) => `const word = '${word}';\nif (require.main === module) console.log(word);\n`;

it('serves as the main module only, and writes the cache without serving', () => {
  const dir = folder(bundle('first'));
  expect(writeCache(dir)).toMatchObject({ status: 0, stdout: '' });
  expect(fs.statSync(path.join(dir, 'webhook.cache')).size).toBeGreaterThan(64);
  expect(serve(dir)).toMatchObject({ status: 0, stdout: 'first\n' });
});

it('runs a changed bundle of the same length as it now is, not the code cached for the one before', () => {
  const dir = folder(bundle('first'));
  writeCache(dir);
  fs.writeFileSync(path.join(dir, 'webhook.js'), bundle('other')); // V8 alone would take the cache: same length
  expect(serve(dir)).toMatchObject({ status: 0, stdout: 'other\n' });
});

it('starts without a cache, and past a damaged one', () => {
  const dir = folder(bundle('first'));
  expect(serve(dir)).toMatchObject({ status: 0, stdout: 'first\n' });
  writeCache(dir);
  const cache = path.join(dir, 'webhook.cache');
  const bytes = fs.readFileSync(cache);
  bytes.fill(0, 64 + (bytes.length - 64) / 2);
  fs.writeFileSync(cache, bytes);
  expect(serve(dir)).toMatchObject({ status: 0, stdout: 'first\n' });
});
