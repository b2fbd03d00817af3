import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT, SettingsError, loadSettings, readAppDeclaration, readEnvironment } from '../src/settings';

function projectWith(appJson: unknown, dotenv?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-settings-'));
  fs.writeFileSync(path.join(dir, 'app.json'), typeof appJson === 'string' ? appJson : JSON.stringify(appJson));
  if (dotenv !== undefined) fs.writeFileSync(path.join(dir, '.env'), dotenv);
  return dir;
}

const valid = { events: ['AMAZON.WeatherAlert.Activated'], locales: ['en-US'] };

it("accepts the project's app.json, which publishes all eight events in two locales", () => {
  const app = readAppDeclaration();
  expect(app.events).toHaveLength(8);
  expect(app).toMatchObject({ locales: ['en-US', 'de-DE'], stage: 'development', expiresInMinutes: 60 });
});

it('defaults to port 3000 on 127.0.0.1 and a FileDb under the project', () => {
  expect(loadSettings({})).toMatchObject({
    server: { port: 3000, host: '127.0.0.1' },
    fileDbPath: path.join(PROJECT_ROOT, 'db', 'db.json'),
  });
});

it('reads JOVO_PORT, HOST and FILEDB_PATH, resolving a relative FILEDB_PATH against the project', () => {
  const settings = loadSettings({ JOVO_PORT: '8080', HOST: '0.0.0.0', FILEDB_PATH: 'data/users.json' });
  expect(settings.server).toEqual({ port: 8080, host: '0.0.0.0' });
  expect(settings.fileDbPath).toBe(path.join(PROJECT_ROOT, 'data', 'users.json'));
});

it('treats an empty variable as unset', () => {
  expect(loadSettings({ JOVO_PORT: '', HOST: '' }).server).toEqual({ port: 3000, host: '127.0.0.1' });
});

it('names every invalid variable with its value and what is allowed', () => {
  expect(() => loadSettings({ JOVO_PORT: '99999', FILEDB_PATH: 'db.txt' })).toThrow(SettingsError);
  expect(() => loadSettings({ JOVO_PORT: '99999', FILEDB_PATH: 'db.txt' })).toThrow(
    [
      'The environment is invalid:',
      '  - JOVO_PORT: expected at most 65535 (given "99999")',
      '  - FILEDB_PATH: must name a .json file (given "db.txt")',
    ].join('\n'),
  );
});

it('names an unknown event, with the allowed ones, and every other problem in app.json', () => {
  const dir = projectWith({ events: ['AMAZON.WeatherAlert.Activated', 'AMAZON.Weather.Alert'], locales: ['english'], expiresInMinutes: 2 });
  expect(() => readAppDeclaration(dir)).toThrow(
    expect.objectContaining({
      code: 'ERR_SETTINGS',
      issues: [
        expect.stringMatching(/^events\[1\]: expected one of AMAZON\.WeatherAlert\.Activated, .*, AMAZON\.SocialGameInvite\.Available \(given "AMAZON\.Weather\.Alert"\)$/),
        'locales[0]: expected a locale like "en-US" (given "english")',
        'expiresInMinutes: expected at least 5 (given 2)',
      ],
    }),
  );
});

it('refuses an event listed twice and a key app.json does not define', () => {
  const dir = projectWith({ ...valid, events: [...valid.events, ...valid.events], publish: true });
  expect(() => readAppDeclaration(dir)).toThrow(/events: must not list an event twice[\s\S]*Unrecognized key: "publish"/);
});

it('says where app.json is when it is not JSON', () => {
  const dir = projectWith('{ "events": [');
  expect(() => readAppDeclaration(dir)).toThrow(`${path.join(dir, 'app.json')} is invalid`);
});

it('reads .env under the real environment, which wins', () => {
  const dir = projectWith(valid, 'JOVO_PORT=4000\nHOST=0.0.0.0\n# a comment\n');
  expect(readEnvironment(dir, { HOST: '127.0.0.2' })).toEqual({ JOVO_PORT: '4000', HOST: '127.0.0.2' });
  expect(readEnvironment(projectWith(valid), {})).toEqual({});
});
