import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SettingsError } from 'jovo-plugin-proactive-events';
import { readAppDeclaration, readEnvironment } from 'jovo-plugin-proactive-events/internal';
import { PROJECT_ROOT, loadSettings } from '../src/settings';

function projectWith(appJson: unknown, dotenv?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-settings-'));
  fs.writeFileSync(path.join(dir, 'app.json'), typeof appJson === 'string' ? appJson : JSON.stringify(appJson));
  if (dotenv !== undefined) fs.writeFileSync(path.join(dir, '.env'), dotenv);
  return dir;
}

/** The message of what `run` throws; fails the test if it throws nothing. */
function thrownMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error, and nothing was thrown');
}

const SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
const valid = { events: ['AMAZON.WeatherAlert.Activated'], locales: ['en-US'] };

it("accepts the project's app.json, which publishes all eight events in two locales", () => {
  const app = readAppDeclaration(PROJECT_ROOT);
  expect(app.events).toHaveLength(8);
  expect(app).toMatchObject({ locales: ['en-US', 'de-DE'], stage: 'development', expiresInMinutes: 60 });
});

it('defaults to port 3000 on 127.0.0.1 and a FileDb under the project', () => {
  expect(loadSettings({ SKILL_ID })).toMatchObject({
    server: { port: 3000, host: '127.0.0.1' },
    fileDbPath: path.join(PROJECT_ROOT, 'db', 'db.json'),
  });
});

it('reads JOVO_PORT, HOST and FILEDB_PATH, resolving a relative FILEDB_PATH against the project', () => {
  const settings = loadSettings({ JOVO_PORT: '8080', HOST: '0.0.0.0', SKILL_ID, FILEDB_PATH: 'data/users.json' });
  expect(settings.server).toEqual({ port: 8080, host: '0.0.0.0', limits: {} });
  expect(settings.fileDbPath).toBe(path.join(PROJECT_ROOT, 'data', 'users.json'));
});

it('reads the sending settings: credentials, token URL, extra origins and stage (app.json by default)', () => {
  expect(loadSettings({ SKILL_ID }).sending).toEqual({ tokenUrl: 'https://api.amazon.com/auth/o2/token', allowedOrigins: [], stage: 'development' });
  expect(
    loadSettings({
      SKILL_ID,
      ALEXA_CLIENT_ID: 'amzn1.application-oa2-client.1',
      ALEXA_CLIENT_SECRET: 's3cr3t',
      LWA_TOKEN_URL: 'http://127.0.0.1:3001/auth/o2/token',
      PROACTIVE_API_ENDPOINTS: 'http://127.0.0.1:3001/, http://localhost:3101',
      PROACTIVE_STAGE: 'live',
    }).sending,
  ).toEqual({
    credentials: { clientId: 'amzn1.application-oa2-client.1', clientSecret: 's3cr3t' },
    tokenUrl: 'http://127.0.0.1:3001/auth/o2/token',
    allowedOrigins: ['http://127.0.0.1:3001', 'http://localhost:3101'],
    stage: 'live',
  });
});

it('refuses half a pair of credentials, bad origins and an unknown stage, never printing the secret', () => {
  expect(() => loadSettings({ SKILL_ID, ALEXA_CLIENT_SECRET: 'only-the-secret' })).toThrow('ALEXA_CLIENT_ID: required with ALEXA_CLIENT_SECRET');
  const message = thrownMessage(() =>
    loadSettings({ SKILL_ID, ALEXA_CLIENT_ID: 'id', ALEXA_CLIENT_SECRET: 'only-the-secret', PROACTIVE_API_ENDPOINTS: 'http://127.0.0.1:3001/v1', PROACTIVE_STAGE: 'prod' }),
  );
  expect(message).toContain('PROACTIVE_API_ENDPOINTS: expected origins, scheme://host[:port], comma-separated (given "http://127.0.0.1:3001/v1")');
  expect(message).toContain('PROACTIVE_STAGE: expected one of development, live (given "prod")');
  expect(message).not.toContain('only-the-secret');
});

it('reads TRIGGER_SECRET, refusing one too short to be safe without printing it', () => {
  expect(loadSettings({ SKILL_ID }).triggerSecret).toBeUndefined();
  expect(loadSettings({ SKILL_ID, TRIGGER_SECRET: 'a'.repeat(16) }).triggerSecret).toBe('a'.repeat(16));
  const message = thrownMessage(() => loadSettings({ SKILL_ID, TRIGGER_SECRET: 'hunter2' }));
  expect(message).toBe('The environment is invalid:\n  - TRIGGER_SECRET: too short (7 characters); use at least 16, e.g. the output of `openssl rand -hex 32`');
  expect(message).not.toContain('hunter2');
});

it('reads DYNAMODB_TABLE, DYNAMODB_ENDPOINT and AWS_REGION into the DynamoDB store, and without a table uses FileDb', () => {
  expect(loadSettings({ SKILL_ID }).dynamoDb).toBeUndefined();
  expect(loadSettings({ SKILL_ID, DYNAMODB_TABLE: 'proactive-alerts-users' }).dynamoDb).toEqual({ tableName: 'proactive-alerts-users' });
  expect(loadSettings({ SKILL_ID, DYNAMODB_TABLE: 'users', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', AWS_REGION: 'eu-west-1' }).dynamoDb).toEqual({
    tableName: 'users',
    endpoint: 'http://127.0.0.1:8000',
    region: 'eu-west-1',
  });
  expect(thrownMessage(() => loadSettings({ SKILL_ID, DYNAMODB_TABLE: 'my table', DYNAMODB_ENDPOINT: 'localhost:8000' }))).toBe(
    [
      'The environment is invalid:',
      '  - DYNAMODB_TABLE: expected a DynamoDB table name: 3 to 255 of A-Z a-z 0-9 _ . - (given "my table")',
      '  - DYNAMODB_ENDPOINT: expected an http(s) URL (given "localhost:8000")',
    ].join('\n'),
  );
});

it("reads where users' own schedules are kept on AWS: all three of group, role and function, or none", () => {
  const scheduler = {
    PROACTIVE_SCHEDULE_GROUP: 'proactive-alerts',
    PROACTIVE_SCHEDULE_ROLE_ARN: 'arn:aws:iam::123456789012:role/proactive-alerts-scheduler',
    PROACTIVE_SCHEDULE_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:proactive-alerts',
  };
  expect(loadSettings({ SKILL_ID }).userScheduler).toBeUndefined();
  expect(loadSettings({ SKILL_ID, ...scheduler }).userScheduler).toEqual({
    group: 'proactive-alerts',
    roleArn: scheduler.PROACTIVE_SCHEDULE_ROLE_ARN,
    functionArn: scheduler.PROACTIVE_SCHEDULE_FUNCTION_ARN,
  });
  expect(thrownMessage(() => loadSettings({ SKILL_ID, PROACTIVE_SCHEDULE_GROUP: 'proactive-alerts' }))).toBe(
    "The environment is invalid:\n  - PROACTIVE_SCHEDULE_ROLE_ARN, PROACTIVE_SCHEDULE_FUNCTION_ARN: required with PROACTIVE_SCHEDULE_GROUP, to keep users' own schedules in EventBridge Scheduler (docs/schedules.md)",
  );
  expect(thrownMessage(() => loadSettings({ SKILL_ID, ...scheduler, PROACTIVE_SCHEDULE_FUNCTION_ARN: 'proactive-alerts' }))).toBe(
    'The environment is invalid:\n  - PROACTIVE_SCHEDULE_FUNCTION_ARN: expected a Lambda function ARN like arn:aws:lambda:us-east-1:123456789012:function:skill (given "proactive-alerts")',
  );
});

it('writes one record per send as words here and as a JSON line on Lambda, unless LOG_FORMAT says otherwise', () => {
  expect(loadSettings({ SKILL_ID }).logFormat).toBe('text');
  expect(loadSettings({ SKILL_ID, AWS_LAMBDA_FUNCTION_NAME: 'skill', DYNAMODB_TABLE: 'users' }).logFormat).toBe('json');
  expect(loadSettings({ SKILL_ID, LOG_FORMAT: 'json' }).logFormat).toBe('json');
  expect(loadSettings({ SKILL_ID, AWS_LAMBDA_FUNCTION_NAME: 'skill', DYNAMODB_TABLE: 'users', LOG_FORMAT: 'off' }).logFormat).toBe('off');
  expect(thrownMessage(() => loadSettings({ SKILL_ID, LOG_FORMAT: 'yaml' }))).toBe(
    'The environment is invalid:\n  - LOG_FORMAT: expected one of json, text, off (given "yaml")',
  );
});

it('refuses to run on AWS Lambda without a DynamoDB table, where FileDb would store nothing', () => {
  const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'proactive-alerts' };
  expect(thrownMessage(() => loadSettings(lambda))).toBe(
    'The environment is invalid:\n  - DYNAMODB_TABLE: required on AWS Lambda (AWS_LAMBDA_FUNCTION_NAME is "proactive-alerts"), where FileDb cannot keep users; ' +
      'name a table with the partition key userId (String)',
  );
  expect(loadSettings({ ...lambda, DYNAMODB_TABLE: 'users', SKILL_ID }).dynamoDb).toEqual({ tableName: 'users' });
});

describe("who may talk to the skill as Alexa", () => {
  it('verifies Alexa requests unless ALEXA_VERIFY_REQUESTS is false, and reads SKILL_ID', () => {
    const localSkillId = expect.stringMatching(/^local\.[0-9a-f]{16}$/);
    expect(loadSettings({ SKILL_ID }).alexa).toEqual({ verifyRequests: true, skillId: SKILL_ID, localSkillId });
    expect(loadSettings({ ALEXA_VERIFY_REQUESTS: 'false', SKILL_ID }).alexa).toEqual({ verifyRequests: false, skillId: SKILL_ID, localSkillId });
    expect(thrownMessage(() => loadSettings({ ALEXA_VERIFY_REQUESTS: 'no' }))).toBe('The environment is invalid:\n  - ALEXA_VERIFY_REQUESTS: expected one of true, false (given "no")');
    expect(thrownMessage(() => loadSettings({ SKILL_ID: 'my-skill' }))).toBe(
      'The environment is invalid:\n  - SKILL_ID: expected a skill id like amzn1.ask.skill.00000000-0000-0000-0000-000000000000 (given "my-skill")',
    );
  });

  it.each(['127.0.0.1', '::1', 'localhost'])('listens on %s without SKILL_ID when nothing is verified', (host) => {
    expect(loadSettings({ HOST: host, ALEXA_VERIFY_REQUESTS: 'false' }).server.host).toBe(host);
    expect(loadSettings({ HOST: host }, { signatures: false }).server.host).toBe(host);
  });

  it("requires SKILL_ID while Alexa's signatures are verified, on loopback too, saying why", () => {
    expect(thrownMessage(() => loadSettings({}))).toBe(
      "The environment is invalid:\n  - SKILL_ID: required while Alexa's requests are verified: a valid signature proves that Alexa sent a request, " +
        'not that it is for this skill, and any developer can have Alexa sign requests of their own skill for this URL; set SKILL_ID to your skill id ' +
        '(amzn1.ask.skill.…), or ALEXA_VERIFY_REQUESTS=false on this machine alone',
    );
  });

  it('refuses to listen beyond this machine without SKILL_ID, saying why', () => {
    expect(thrownMessage(() => loadSettings({ HOST: '0.0.0.0', ALEXA_VERIFY_REQUESTS: 'false' }))).toBe(
      'The environment is invalid:\n  - SKILL_ID: required when HOST is "0.0.0.0", which other machines can reach: without it the skill would take ' +
        "Alexa's requests for any skill; set SKILL_ID to your skill id (amzn1.ask.skill.…), or HOST=127.0.0.1",
    );
  });

  it('requires SKILL_ID on AWS Lambda', () => {
    expect(thrownMessage(() => loadSettings({ AWS_LAMBDA_FUNCTION_NAME: 'proactive-alerts', DYNAMODB_TABLE: 'users' }))).toMatch(/^The environment is invalid:\n {2}- SKILL_ID: required on AWS Lambda/);
  });
});

it('treats an empty variable as unset', () => {
  expect(loadSettings({ SKILL_ID, JOVO_PORT: '', HOST: '', WEBHOOK_MAX_CONNECTIONS: '' }).server).toEqual({ port: 3000, host: '127.0.0.1', limits: {} });
});

it('reads the limits of the webhook, refusing what is not a whole number of at least 1', () => {
  expect(loadSettings({ SKILL_ID, WEBHOOK_MAX_CONNECTIONS: '64', WEBHOOK_HEADERS_TIMEOUT_MS: '2000' }).server.limits).toEqual({ maxConnections: 64, headersTimeoutMs: 2000 });
  expect(thrownMessage(() => loadSettings({ SKILL_ID, WEBHOOK_MAX_CONNECTIONS_PER_CLIENT: '0' }))).toBe(
    'The environment is invalid:\n  - WEBHOOK_MAX_CONNECTIONS_PER_CLIENT: expected at least 1 (given "0")',
  );
});

it('names every invalid variable with its value and what is allowed', () => {
  expect(() => loadSettings({ SKILL_ID, JOVO_PORT: '99999', FILEDB_PATH: 'db.txt' })).toThrow(SettingsError);
  expect(() => loadSettings({ SKILL_ID, JOVO_PORT: '99999', FILEDB_PATH: 'db.txt' })).toThrow(
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
        { path: 'events[1]', message: expect.stringMatching(/^expected one of AMAZON\.WeatherAlert\.Activated, .*, AMAZON\.SocialGameInvite\.Available$/), value: 'AMAZON.Weather.Alert' },
        { path: 'locales[0]', message: 'expected a locale like "en-US"', value: 'english' },
        { path: 'expiresInMinutes', message: 'expected at least 5', value: 2 },
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
