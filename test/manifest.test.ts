import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { EVENT_NAMES, NOTIFICATIONS_PERMISSION } from 'alexa-proactive-events';
import { readAppDeclaration } from 'jovo-plugin-proactive-events/internal';
import { PROJECT_ROOT } from '../src/settings';

const run = promisify(execFile);
const root = path.join(__dirname, '..');
const PLATFORM = path.join('platforms', 'alexaSkill');
const SKILL_JSON = path.join(PLATFORM, 'skill-package', 'skill.json');

/**
 * `jovo3 build -p alexaSkill --clean` in a fresh copy of the project's inputs, with a temporary HOME (the CLI
 * writes ~/.jovo/config) and no environment but PATH and what the test passes. The tests that build run
 * concurrently (`it.concurrent`): each build is its own folder and process, and half of its time is the CLI's fixed
 * pauses (jovo-cli-platform-alexa waits 500 ms after each file it writes), which overlap instead of adding up.
 */
async function buildCopy(change: (dir: string) => void = () => undefined, env: Record<string, string> = {}, args: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-build-'));
  for (const file of ['package.json', 'project.js', 'app.json']) fs.copyFileSync(path.join(root, file), path.join(dir, file));
  fs.cpSync(path.join(root, 'models'), path.join(dir, 'models'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'src')); // the CLI's project check wants it
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  change(dir);
  const jovo3 = path.join(root, 'node_modules', '.bin', 'jovo3');
  const result = await run(jovo3, ['build', '-p', 'alexaSkill', '--clean', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);
  return { dir, exitCode: 'code' in result ? result.code : 0, stderr: result.stderr };
}

function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = fs.readFileSync(file, 'utf8');
  }
  return files;
}

function manifestOf(dir: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, SKILL_JSON), 'utf8')).manifest;
}

it.concurrent('has committed platform files equal to a fresh build', async () => {
  const build = await buildCopy();
  expect(build.exitCode).toBe(0);
  expect(filesUnder(path.join(build.dir, PLATFORM))).toEqual(filesUnder(path.join(root, PLATFORM)));
});

it('declares the notifications permission, every app.json event and the skill events it handles', () => {
  const manifest = manifestOf(root);
  expect(manifest.permissions).toEqual([{ name: NOTIFICATIONS_PERMISSION }]);
  expect(manifest.events.publications).toEqual(readAppDeclaration(PROJECT_ROOT).events.map((eventName) => ({ eventName })));
  expect(manifest.events.subscriptions).toEqual([
    { eventName: 'SKILL_PROACTIVE_SUBSCRIPTION_CHANGED' },
    { eventName: 'SKILL_ENABLED' },
    { eventName: 'SKILL_DISABLED' },
  ]);
  expect(manifest.events.endpoint).toEqual({ sslCertificateType: 'Wildcard', uri: 'https://skill.example.com/webhook' });
  expect(Object.keys(manifest.publishingInformation.locales).sort()).toEqual([...readAppDeclaration(PROJECT_ROOT).locales].sort());
});

it.concurrent('removes an event everywhere once it is removed from app.json', async () => {
  const build = await buildCopy((dir) => {
    const file = path.join(dir, 'app.json');
    const app = JSON.parse(fs.readFileSync(file, 'utf8'));
    app.events = app.events.filter((name: string) => name !== 'AMAZON.Occasion.Updated');
    fs.writeFileSync(file, JSON.stringify(app));
  });
  expect(build.exitCode).toBe(0);
  const built = filesUnder(path.join(build.dir, PLATFORM));
  expect(Object.values(built).join('\n')).not.toContain('AMAZON.Occasion.Updated');
  expect(manifestOf(build.dir).events.publications).toHaveLength(7);
});

it.concurrent('points both endpoints at SKILL_ENDPOINT, writing a Lambda ARN without an SSL certificate type', async () => {
  const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:proactive-alerts';
  const build = await buildCopy(undefined, { SKILL_ENDPOINT: arn });
  expect(build.exitCode).toBe(0);
  const manifest = manifestOf(build.dir);
  expect(manifest.events.endpoint).toEqual({ uri: arn });
  expect(manifest.apis.custom.endpoint).toEqual({ uri: arn });
});

it.concurrent('refuses to build an app.json with an event that is not one of the eight or a locale without a model, saying which', async () => {
  const build = await buildCopy((dir) => {
    const file = path.join(dir, 'app.json');
    const app = JSON.parse(fs.readFileSync(file, 'utf8'));
    app.events[1] = 'WeatherAlert';
    app.events[2] = 'AMAZON.Weather.Updated';
    app.locales.push('fr-FR');
    fs.writeFileSync(file, JSON.stringify(app));
  });
  expect(build.exitCode).not.toBe(0);
  const eight = EVENT_NAMES.join(', ');
  expect(build.stderr).toContain(`events[1] is "WeatherAlert": expected one of ${eight}`);
  expect(build.stderr).toContain(`events[2] is "AMAZON.Weather.Updated": expected one of ${eight}`);
  expect(build.stderr).toContain('locale "fr-FR" has no language model: add models/fr-FR.json');
});

it.concurrent('refuses to build an app.json that is not JSON, naming its line and column, without a stack trace', async () => {
  const build = await buildCopy((dir) => fs.writeFileSync(path.join(dir, 'app.json'), '{\n  "events": ["AMAZON.WeatherAlert.Activated"],\n  "locales": ["en-US"],\n}\n'));
  expect(build.exitCode).not.toBe(0);
  expect(build.stderr).toMatch(/app\.json is not valid JSON at line 4, column 1: /);
  expect(build.stderr).not.toMatch(/^\s+at /m);
});

describe('stages', () => {
  const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:proactive-alerts-prod';
  const skillId = 'amzn1.ask.skill.0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

  it.concurrent.each([
    ['--stage production', {}, ['--stage', 'production']],
    ['NODE_ENV=production', { NODE_ENV: 'production' }, []],
  ])('builds the production manifest with %s: both endpoints at SKILL_LAMBDA_ARN, deploying to SKILL_ID', async (_, env, args) => {
    const build = await buildCopy(undefined, { SKILL_LAMBDA_ARN: arn, SKILL_ENDPOINT: 'https://local.example.com/webhook', SKILL_ID: skillId, ...env }, args);
    expect(build.exitCode).toBe(0);
    const askStates = JSON.parse(fs.readFileSync(path.join(build.dir, PLATFORM, '.ask', 'ask-states.json'), 'utf8'));
    expect(askStates.profiles.default.skillId).toBe(skillId);
    const manifest = manifestOf(build.dir);
    expect(manifest.apis.custom.endpoint).toEqual({ uri: arn });
    expect(manifest.events.endpoint).toEqual({ uri: arn });
    expect(manifest.events.publications).toEqual(manifestOf(root).events.publications);
    expect(manifest.permissions).toEqual([{ name: NOTIFICATIONS_PERMISSION }]);
  });

  it.concurrent('builds the local manifest with --stage local: both endpoints at SKILL_ENDPOINT', async () => {
    const build = await buildCopy(undefined, { SKILL_LAMBDA_ARN: arn, SKILL_ENDPOINT: 'https://local.example.com/webhook' }, ['--stage', 'local']);
    expect(build.exitCode).toBe(0);
    const manifest = manifestOf(build.dir);
    expect(manifest.apis.custom.endpoint).toEqual({ sslCertificateType: 'Wildcard', uri: 'https://local.example.com/webhook' });
    expect(manifest.events.endpoint).toEqual({ sslCertificateType: 'Wildcard', uri: 'https://local.example.com/webhook' });
  });

  it.concurrent('refuses a SKILL_LAMBDA_ARN or SKILL_ID that jovo3 deploy could not use, naming each', async () => {
    const build = await buildCopy(undefined, { SKILL_LAMBDA_ARN: 'proactive-alerts', SKILL_ID: 'my-skill' }, ['--stage', 'production']);
    expect(build.exitCode).not.toBe(0);
    expect(build.stderr).toContain('SKILL_LAMBDA_ARN is "proactive-alerts": expected a Lambda function ARN like arn:aws:lambda:us-east-1:123456789012:function:proactive-alerts');
    expect(build.stderr).toContain('SKILL_ID is "my-skill": expected a skill id like amzn1.ask.skill.00000000-0000-0000-0000-000000000000');
  });
});
