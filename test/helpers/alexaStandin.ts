import * as fs from 'fs';
import { CERT_URL, CHAINS, TEST_ROOT_PEM } from '../../packages/jovo-plugin-proactive-events/test/helpers/alexaSigning';

/**
 * Alexa's side of a real skill process, loopback only: a preload (`node --require FILE`) that makes the doors'
 * verifier trust the tests' root and sends its certificate downloads to a loopback stand-in for S3, which serves
 * the tests' chain at CERT_URL, answers 404 for any other key (S3 decodes a path's escapes and ignores a query, as
 * here) and, when ALEXA_STANDIN_DOWNLOADS names a file, logs every download there. Nothing else of the skill is
 * changed: its doors, limits and verifier run as they do in production, signed with `alexaHeaders`.
 *
 * `publicRoots`: the test root is trusted beside Node's public roots, as many as production parses (the benchmark's
 * cold start); without it, in their place.
 */
export function writeAlexaPreload(file: string, { publicRoots = false }: { publicRoots?: boolean } = {}): string {
  const parts = { root: TEST_ROOT_PEM, publicRoots, chains: { [new URL(CERT_URL).pathname]: CHAINS[CERT_URL] } };
  fs.writeFileSync(file, `const parts = ${JSON.stringify(parts)};\n${PRELOAD}`);
  return file;
}

/**
 * The preload's code, after `parts`: Node's roots are read-only, so the verifier's module is given its own `tls`: the
 * compiled doors/alexaVerifier.js, or the webhook's bundle, dist/webhook.js (which dist/index.js runs for `npm start`), which holds it.
 */
const PRELOAD = `
const http = require('http'), https = require('https'), Module = require('module'), tls = require('tls'), fs = require('fs');
const downloads = process.env.ALEXA_STANDIN_DOWNLOADS;
const roots = Object.freeze(parts.publicRoots ? [...tls.rootCertificates, parts.root] : [parts.root]);
const trusted = Object.create(tls, { rootCertificates: { value: roots } });
const load = Module._load;
Module._load = function (request, parent) {
  if (request === 'tls' && parent && /[\\\\/](doors[\\\\/]alexaVerifier|dist[\\\\/](?:index|webhook))\\.js$/.test(parent.filename)) return trusted;
  return load.apply(this, arguments);
};
const s3 = http.createServer((req, res) => {
  if (downloads) fs.appendFileSync(downloads, req.url + '\\n');
  let key; try { key = decodeURIComponent(new URL(req.url, 'http://s3').pathname); } catch { key = ''; }
  const chain = parts.chains[key];
  res.statusCode = chain ? 200 : 404;
  res.end(chain || '<Error><Code>NoSuchKey</Code></Error>');
}).listen(0, '127.0.0.1');
s3.unref();
const get = https.get;
https.get = function (url, ...rest) {
  if (typeof url === 'string' && url.startsWith('https://s3.amazonaws.com/')) {
    return http.get('http://127.0.0.1:' + s3.address().port + url.slice('https://s3.amazonaws.com'.length), ...rest);
  }
  return get.call(this, url, ...rest);
};
`;
