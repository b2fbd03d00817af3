import { createHash } from 'crypto';
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';

/**
 * dist/index.js, what `npm start` and `jovo3 run` run: the webhook's bundle, dist/webhook.js, compiled with the V8
 * code cache scripts/webhookBundle.ts made beside it (dist/webhook.cache). Compiling the 2.6 MB bundle again at
 * every start was most of what was left of the cold start; Node 22 keeps compiled code itself
 * (module.enableCompileCache), Node 20, which this project supports, does not.
 *
 * V8 checks a cache against its own version, its flags and the source's length only, and trusts its bytes: a cache
 * of another bundle of the same length would run that bundle's code, and a damaged one can crash the process. So the
 * cache starts with the SHA-256 of the bundle it was made for and of its own bytes, and is used only when both
 * match; anything else (none, stale, damaged, refused by V8) costs nothing but the time it would have saved.
 */
const BUNDLE = path.join(__dirname, 'webhook.js');
const CACHE = path.join(__dirname, 'webhook.cache');
const DIGEST_BYTES = 32;

function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The cached code for `source`, when the cache was made for it and is whole. */
function cachedCode(source: string): Buffer | undefined {
  if (!fs.existsSync(CACHE)) return undefined;
  const cache = fs.readFileSync(CACHE);
  const code = cache.subarray(2 * DIGEST_BYTES);
  const made = cache.subarray(0, DIGEST_BYTES);
  const whole = cache.subarray(DIGEST_BYTES, 2 * DIGEST_BYTES);
  return made.equals(sha256(source)) && whole.equals(sha256(code)) ? code : undefined;
}

/** Runs the bundle as a module named BUNDLE: the main module when `main`, which serves the webhook. */
function run(main: boolean): { script: vm.Script; source: string } {
  const source = fs.readFileSync(BUNDLE, 'utf8');
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData: main ? cachedCode(source) : undefined });
  const bundle = new Module(BUNDLE);
  bundle.filename = BUNDLE;
  const require = Module.createRequire(BUNDLE);
  // The bundle serves only as the main module (src/entry/serve.ts), as it would when node ran it.
  if (main) require.main = bundle;
  (script.runInThisContext() as (...args: unknown[]) => void).call(bundle.exports, bundle.exports, require, bundle, BUNDLE, __dirname);
  return { script, source };
}

/**
 * Runs the bundle's modules without serving, then writes the code V8 compiled for them, behind the two digests:
 * scripts/webhookBundle.ts. Written whole or not at all (a temporary file, flushed, then renamed).
 */
export function writeCodeCache(): void {
  fs.rmSync(CACHE, { force: true });
  const { script, source } = run(false);
  const code = script.createCachedData();
  const temporary = `${CACHE}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, Buffer.concat([sha256(source), sha256(code), code]));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, CACHE);
}

if (require.main === module) run(true);
