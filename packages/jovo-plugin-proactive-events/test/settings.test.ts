import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SettingsError, doorOptions, pluginOptions, readSettings } from '../src';
import { localSkillId, triggerAudience } from '../src/internal';
import { PROJECT } from './helpers/app';

/**
 * `readSettings`, the one reader of app.json and the environment: what a skill, its doors, its plugin and the
 * trigger script's commands all take their values from.
 */
const SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
const SECRET = 'a-trigger-secret-of-enough-length';

function folder(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-settings-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function project(dotenv?: string, app: object = { events: ['AMAZON.WeatherAlert.Activated'], locales: ['en-US'], stage: 'live' }): string {
  return folder({ 'app.json': JSON.stringify(app), ...(dotenv !== undefined && { '.env': dotenv }) });
}

/** Runs `run` with these process variables set (undefined: unset), and puts them back. */
function withProcessEnv<T>(vars: Record<string, string | undefined>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    return run();
  } finally {
    apply(saved);
  }
}

it('finds the project from the working folder up, and reads its .env under the real environment, which wins', () => {
  const root = project(`SKILL_ID=${SKILL_ID}\nTRIGGER_SECRET=${SECRET}\nJOVO_PORT=4000\n`);
  const below = path.join(root, 'src', 'entry');
  fs.mkdirSync(below, { recursive: true });
  const unset = { SKILL_ID: undefined, TRIGGER_SECRET: undefined, PROACTIVE_STAGE: undefined, FILEDB_PATH: undefined };
  const settings = withProcessEnv({ ...unset, JOVO_PORT: undefined }, () => readSettings({ cwd: below }));
  expect(settings).toMatchObject({ alexa: { skillId: SKILL_ID }, triggerSecret: SECRET, sending: { stage: 'live' }, server: { port: 4000 }, fileDbPath: path.join(root, 'db', 'db.json') });
  expect(withProcessEnv({ ...unset, JOVO_PORT: '4100' }, () => readSettings({ projectRoot: root })).server.port).toBe(4100);
});

it('takes every default from one place: port, host, store, token URL, stage, verification and log format', () => {
  const root = project(undefined, { events: ['AMAZON.WeatherAlert.Activated'], locales: ['en-US'] });
  expect(readSettings({ projectRoot: root, env: { SKILL_ID } })).toEqual({
    app: { events: ['AMAZON.WeatherAlert.Activated'], locales: ['en-US'], stage: 'development', expiresInMinutes: 60, schedules: [] },
    server: { port: 3000, host: '127.0.0.1', limits: {} },
    fileDbPath: path.join(root, 'db', 'db.json'),
    sending: { tokenUrl: 'https://api.amazon.com/auth/o2/token', allowedOrigins: [], stage: 'development' },
    alexa: { skillId: SKILL_ID, localSkillId: localSkillId(root), verifyRequests: true },
    fanOut: { batchSize: 100 },
    logFormat: 'text',
  });
});

it("gives the doors, the plugin and the trigger script's audience their values from one read", () => {
  const settings = readSettings({
    projectRoot: PROJECT,
    env: { SKILL_ID, TRIGGER_SECRET: SECRET, PROACTIVE_STAGE: 'live', PROACTIVE_API_ENDPOINTS: 'http://127.0.0.1:3001', PROACTIVE_API_ENDPOINT: 'http://127.0.0.1:3001' },
  });
  expect(doorOptions(settings)).toEqual({ skillId: SKILL_ID, localSkillId: localSkillId(PROJECT), signatures: true, triggerSecret: SECRET, stage: 'live' });
  expect(pluginOptions(settings)).toEqual({
    events: settings.app.events,
    expiresInMinutes: 60,
    stage: 'live',
    apiEndpoints: ['http://127.0.0.1:3001'],
    schedules: [],
    scheduleEndpoint: 'http://127.0.0.1:3001',
    userScheduler: undefined,
    fanOut: { batchSize: 100 },
  });
  expect(pluginOptions(settings)).not.toHaveProperty('triggerSecret');
  expect(triggerAudience(settings)).toEqual({ skillId: SKILL_ID, stage: 'live' });
  // Without SKILL_ID (nothing verified, on this machine), the project's local identity, which the script signs for too.
  expect(triggerAudience(readSettings({ projectRoot: PROJECT, env: { ALEXA_VERIFY_REQUESTS: 'false' } }))).toEqual({ skillId: localSkillId(PROJECT), stage: 'development' });
});

it("reads a command's settings with the same checks, but without the skill's requirements, outside any project too", () => {
  const root = project();
  // A skill whose signatures are checked needs SKILL_ID; the trigger script run in its folder does not.
  expect(() => readSettings({ projectRoot: root, env: {} })).toThrow(/^The environment is invalid:\n {2}- SKILL_ID: required while Alexa's requests are verified/);
  expect(readSettings({ projectRoot: root, env: {}, purpose: 'command' })).toMatchObject({ app: { stage: 'live' }, alexa: { localSkillId: localSkillId(root) }, sending: { stage: 'live' } });
  // Every value is still checked.
  expect(() => readSettings({ projectRoot: root, env: { PROACTIVE_STAGE: 'prod' }, purpose: 'command' })).toThrow('PROACTIVE_STAGE: expected one of development, live (given "prod")');
  // Outside any project: the environment alone, and the local identity of the working folder.
  const elsewhere = folder();
  const command = readSettings({ cwd: elsewhere, env: { PROACTIVE_STAGE: 'live' }, purpose: 'command' });
  expect(command.app).toBeUndefined();
  expect(triggerAudience(command)).toEqual({ skillId: localSkillId(elsewhere), stage: 'live' });
  expect(() => readSettings({ cwd: elsewhere, env: {} })).toThrow(`${path.join(elsewhere, 'app.json')} is invalid:\n  - no app.json in ${elsewhere} or any folder above it`);
});

it('refuses with a SettingsError whose issues name each variable and its value, never a secret', () => {
  const root = project();
  let thrown: unknown;
  try {
    readSettings({ projectRoot: root, env: { SKILL_ID, JOVO_PORT: 'eighty', TRIGGER_SECRET: 'hunter2', LOG_FORMAT: 'yaml' } });
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SettingsError);
  expect(thrown).toMatchObject({
    code: 'ERR_SETTINGS',
    source: 'The environment',
    issues: [
      { path: 'JOVO_PORT', message: 'expected a number', value: 'eighty' },
      { path: 'LOG_FORMAT', message: 'expected one of json, text, off', value: 'yaml' },
    ],
  });
  expect(() => readSettings({ projectRoot: root, env: { SKILL_ID, TRIGGER_SECRET: 'hunter2' } })).toThrow(
    expect.objectContaining({ issues: [{ path: 'TRIGGER_SECRET', message: expect.stringMatching(/^too short \(7 characters\)/) }], message: expect.not.stringContaining('hunter2') }),
  );
});
