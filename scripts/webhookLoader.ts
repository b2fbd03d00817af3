import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';

/**
 * dist/index.js, what `npm start` and `jovo3 run` run: the webhook's bundle, dist/webhook.js, compiled with the V8
 * code cache scripts/webhookBundle.ts made beside it (dist/webhook.cache). Compiling the 2.6 MB bundle again at
 * every start was most of what was left of the cold start; Node 22 keeps compiled code itself
 * (module.enableCompileCache), Node 20, which this project supports, does not. A cache V8 refuses (another Node,
 * other flags) costs nothing: the bundle compiles as it would without one.
 */
const BUNDLE = path.join(__dirname, 'webhook.js');
const CACHE = path.join(__dirname, 'webhook.cache');

/** Runs the bundle as a module named BUNDLE: the main module when `main`, which serves the webhook. */
function run(main: boolean): vm.Script {
  const cachedData = fs.existsSync(CACHE) ? fs.readFileSync(CACHE) : undefined;
  const script = new vm.Script(Module.wrap(fs.readFileSync(BUNDLE, 'utf8')), { filename: BUNDLE, cachedData });
  const bundle = new Module(BUNDLE);
  bundle.filename = BUNDLE;
  const require = Module.createRequire(BUNDLE);
  // The bundle serves only as the main module (src/entry/serve.ts), as it would when node ran it.
  if (main) require.main = bundle;
  (script.runInThisContext() as (...args: unknown[]) => void).call(bundle.exports, bundle.exports, require, bundle, BUNDLE, __dirname);
  return script;
}

/** Runs the bundle's modules without serving, then writes the code V8 compiled for them: scripts/webhookBundle.ts. */
export function writeCodeCache(): void {
  fs.rmSync(CACHE, { force: true });
  fs.writeFileSync(CACHE, run(false).createCachedData());
}

if (require.main === module) run(true);
