import { spawnSync } from 'child_process';
import * as path from 'path';

/** `npm test` runs jest through scripts/scanOutput.js, which fails the run when its output shows a secret. */
const scan = (code: string) => spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'scanOutput.js'), process.execPath, '-e', code], { encoding: 'utf8' });

it('passes a clean run through as it is, output and exit code', () => {
  expect(scan("console.log('send accepted AMAZON.WeatherAlert.Activated Unicast 3258a78b7b90a495')")).toMatchObject({ status: 0, stdout: 'send accepted AMAZON.WeatherAlert.Activated Unicast 3258a78b7b90a495\n', stderr: '' });
  expect(scan('process.exit(3)').status).toBe(3);
});

it.each([
  ['an access token', '', "console.log('Authorization: Bearer Atc|emulator|0f1e')"],
  ['a user id in clear', '', "console.error('skipped amzn1.ask.account.SOMEONE')"],
  ['a test secret (test…)', '', "console.log(JSON.stringify({ clientSecret: 'test-secret-&=+ with spaces' }))"],
  ['an access token', ' URL-encoded', "console.log('GET /?token=Atc%7Cemulator%7C0f1e')"],
  ['a test secret (test…)', ' form-encoded', "console.log('body: grant_type=client_credentials&client_secret=test-secret-%26%3D%2B+with+spaces')"],
])('fails a run whose output shows %s%s, naming the line but not the value', (what, _form, code) => {
  const { status, stderr } = scan(code);
  expect(status).toBe(1);
  expect(stderr).toContain(`The test output shows what no log may (1):\n  ${what}, line 1\n`);
  expect(stderr.slice(stderr.indexOf('The test output'))).not.toMatch(/0f1e|SOMEONE|with spaces/);
});
