#!/usr/bin/env node
/**
 * Runs a command (the test suite: `node scripts/scanOutput.js jest -w 2`), passes its output through as it comes,
 * and fails the run when that output shows what no log may: an access token (Login with Amazon's and the
 * emulator's begin `Atc|`), an Alexa user id in clear (`amzn1.ask.account.…`), or one of the secrets the tests
 * use (string literals of 12 characters or more assigned to a name with "secret" in it, in the test sources),
 * each as written or URL-encoded. Only what the run prints is scanned: output a test captures from a child process
 * it checks itself, and secrets a test makes at run time (randomBytes) or short ones ('secret') are not known here.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const TEST_DIRS = ['test', 'packages/alexa-proactive-events/test', 'packages/jovo-plugin-proactive-events/test'];
/** `CLIENT_SECRET = '…'`, `clientSecret: '…'`, `secret = '…'`: shorter values ('secret') are words, not secrets. */
const SECRET_LITERAL = /\w*secret\w*['"]?\s*[:=]\s*(['"`])([^'"`\n]{12,})\1/gi;

/** The secrets written in the test sources. */
function testSecrets() {
  const secrets = new Set();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|js)$/.test(entry.name)) for (const [, , value] of fs.readFileSync(file, 'utf8').matchAll(SECRET_LITERAL)) secrets.add(value);
    }
  };
  for (const dir of TEST_DIRS) walk(path.join(root, dir));
  return [...secrets];
}

/** Where `text` shows something it must not, as `what, line N`; never the value itself. */
function findings(text) {
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const checks = [
    // As written, or URL-encoded (a logged form body or query: `Atc%7C…`, `secret%26%3D…`, `with+spaces`).
    ['an access token', (line) => /Atc(\||%7C)\S/i.test(line)],
    ['a user id in clear', (line) => /amzn1\.ask\.account\.\S/.test(line)],
    ...testSecrets().map((secret) => {
      const forms = [...new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])];
      return [`a test secret (${secret.slice(0, 4)}…)`, (line) => forms.some((form) => line.includes(form))];
    }),
  ];
  const found = [];
  lines.forEach((line, at) => {
    for (const [what, shows] of checks) if (shows(line)) found.push(`${what}, line ${at + 1}`);
  });
  return found;
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/scanOutput.js <command> [args…]');
  process.exit(2);
}
const bin = path.join(root, 'node_modules', '.bin', command);
const child = spawn(fs.existsSync(bin) ? bin : command, args, { stdio: ['inherit', 'pipe', 'pipe'], env: { ...process.env, ...(process.stdout.isTTY && { FORCE_COLOR: '1' }) } });
let output = '';
for (const [from, to] of [
  [child.stdout, process.stdout],
  [child.stderr, process.stderr],
]) {
  from.on('data', (chunk) => {
    output += chunk;
    to.write(chunk);
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('close', (code, signal) => {
  const found = findings(output);
  if (found.length > 0) {
    console.error(`\nThe test output shows what no log may (${found.length}):\n${found.map((where) => `  ${where}`).join('\n')}`);
    console.error('Find what printed it: a record, log line or error message must show a user as userHash and never a token or secret.');
  }
  process.exit(code !== 0 ? (code ?? 1) : found.length > 0 ? 1 : signal ? 1 : 0);
});
