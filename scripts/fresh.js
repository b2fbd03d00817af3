#!/usr/bin/env node
'use strict';
// Runs a compiled entry point, compiling first only when a source changed since the last build:
//   node scripts/fresh.js dist/src/index.js --some-flag
// dist/index.js, the webhook's bundle (`npm start`), is bundled again after a build too.
// With no entry point it only brings every dist/ up to date: the two packages' and the template's, in that order
// (`tsc -b`); with `--webhook` (npm's `prepare`, after npm install) the webhook's bundle too, so that the first
// `npm start` starts as fast as the next. Plain JavaScript, so it runs before anything is
// compiled. A no-change `tsc -b` still reads every project; comparing the sources' modification times with the
// last build's costs a few milliseconds, so commands start as fast as node does.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const BUILD_INFO = path.join(root, 'dist', '.tsbuildinfo');
/** The workspaces package.json names: the two packages. */
const PACKAGES = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces.map((dir) => path.join(root, dir));
/** What the builds compile, and what configures them. */
const SOURCES = ['src', 'scripts', 'bench'].map((dir) => path.join(root, dir)).concat(PACKAGES.map((dir) => path.join(dir, 'src')));
const CONFIGS = ['tsconfig.base.json', 'tsconfig.build.json', 'package.json']
  .map((file) => path.join(root, file))
  .concat(PACKAGES.flatMap((dir) => ['tsconfig.json', 'package.json'].map((file) => path.join(dir, file))));

/** The newest modification time among the TypeScript sources and the compiler's configuration. */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
  };
  for (const dir of SOURCES) visit(dir);
  for (const file of CONFIGS) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  return newest;
}

/** Compiles when a dist/ is missing or older than a source; exits with tsc's status if it fails. */
function ensureBuilt() {
  const built = fs.existsSync(BUILD_INFO) ? fs.statSync(BUILD_INFO).mtimeMs : 0;
  if (built >= newestSource()) return;
  process.stderr.write(built === 0 ? 'Compiling the project (once)…\n' : 'Sources changed: compiling…\n');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, '-b', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('The TypeScript compiler found errors (above); fix them and run the command again.\n');
    process.exit(result.status ?? 1);
  }
  // tsc leaves the build info untouched when nothing needed emitting; mark this build as current.
  const now = new Date();
  fs.utimesSync(BUILD_INFO, now, now);
}

/** The webhook in one file (scripts/webhookBundle.ts): what `npm start` and `jovo3 run` serve. */
const WEBHOOK_BUNDLE = path.join(root, 'dist', 'index.js');

/** Compiles what changed, then bundles the webhook again when the bundle is missing or older than the build. */
function ensureWebhookBundle() {
  ensureBuilt();
  if (fs.existsSync(WEBHOOK_BUNDLE) && fs.statSync(WEBHOOK_BUNDLE).mtimeMs >= fs.statSync(BUILD_INFO).mtimeMs) return;
  const result = spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'webhookBundle.js')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

module.exports = { ensureBuilt, ensureWebhookBundle, WEBHOOK_BUNDLE };

if (require.main === module) {
  const [entry] = process.argv.splice(2, 1);
  if (entry === '--webhook' || (entry && path.resolve(root, entry) === WEBHOOK_BUNDLE)) ensureWebhookBundle();
  else ensureBuilt();
  if (entry && entry !== '--webhook') {
    // Run the entry as node would have: it is the main module, and its arguments are the rest.
    process.argv[1] = path.resolve(root, entry);
    require('module').runMain();
  }
}
