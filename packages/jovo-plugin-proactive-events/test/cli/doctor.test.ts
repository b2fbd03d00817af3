import * as fs from 'fs';
import type { Server } from 'http';
import * as os from 'os';
import * as path from 'path';
import { NOTIFICATIONS_PERMISSION, type EventName } from 'alexa-proactive-events';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { runTrigger } from '../../src/cli';
import type { DoctorCheck } from '../../src/cli/doctor';
import { TRIGGER_SECRET, close, eventRequests, startSkill } from '../helpers/pipeline';
import { recordCalls, startDynalite } from '../helpers/dynalite';
import { APPLICATION_ID, EU_ENDPOINT, subscriptionChanged } from '../helpers/requests';

/**
 * `doctor` against the emulator as Amazon and a running skill: everything passes; then each failure alone gives
 * its ✗ line and exit 1. The check trigger sends nothing and tells no user id.
 */
const WEATHER = 'AMAZON.WeatherAlert.Activated' as const;
const ORDER = 'AMAZON.OrderStatus.Updated' as const;
const EVENTS: EventName[] = [WEATHER, ORDER];
const CLIENT = { id: 'amzn1.application-oa2-client.doctor', secret: 'doctor-client-secret-not-for-logs' };
const USERS = ['amzn1.ask.account.DOCTOR-ONE', 'amzn1.ask.account.DOCTOR-TWO'];

let amazon: Emulator;
let skill: { url: string; server: Server };
let project: string;

function writeProject(change: (manifest: { manifest: Record<string, any> }) => void = () => undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
  fs.writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ events: EVENTS, locales: ['en-US'] }));
  const manifest = {
    manifest: {
      permissions: [{ name: NOTIFICATIONS_PERMISSION }],
      events: {
        publications: EVENTS.map((eventName) => ({ eventName })),
        endpoint: { uri: 'https://skill.doctor.test/webhook' },
        subscriptions: ['SKILL_PROACTIVE_SUBSCRIPTION_CHANGED', 'SKILL_ENABLED', 'SKILL_DISABLED'].map((eventName) => ({ eventName })),
      },
    },
  };
  change(manifest);
  fs.mkdirSync(path.join(dir, 'platforms', 'alexaSkill', 'skill-package'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'platforms', 'alexaSkill', 'skill-package', 'skill.json'), JSON.stringify(manifest));
  return dir;
}

beforeAll(async () => {
  amazon = await createEmulator({ port: 0, clients: { [CLIENT.id]: CLIENT.secret } });
  skill = await startSkill([amazon], (settings) => {
    settings.app.events = EVENTS;
    settings.alexa.skillId = APPLICATION_ID;
    settings.sending.credentials = { clientId: CLIENT.id, clientSecret: CLIENT.secret };
  });
  // Both users subscribed to both events, their requests coming through the emulator as their region.
  for (const userId of USERS) {
    const response = await fetch(skill.url, { method: 'POST', body: JSON.stringify(subscriptionChanged({ userId, apiEndpoint: amazon.url, events: EVENTS })) });
    expect(response.status).toBe(200);
  }
  project = writeProject();
});
afterAll(() => Promise.all([amazon.close(), close(skill.server)]));

const ENV = { ALEXA_CLIENT_ID: CLIENT.id, ALEXA_CLIENT_SECRET: CLIENT.secret, TRIGGER_SECRET, SKILL_ID: APPLICATION_ID };

async function doctor({ cwd = project, env = {}, args = [] }: { cwd?: string; env?: Record<string, string>; args?: string[] } = {}) {
  let out = '';
  let err = '';
  const where = args.includes('--region') || args.includes('--api-endpoint') ? [] : ['--api-endpoint', amazon.url];
  const argv = ['doctor', '--endpoint', skill.url, ...where, ...args];
  const status = await runTrigger(argv, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    cwd,
    env: { LWA_TOKEN_URL: `${amazon.url}/auth/o2/token`, ...ENV, ...env },
  });
  return { status, out, err };
}

async function doctorJson(options: Parameters<typeof doctor>[0] = {}) {
  const { status, out, err } = await doctor({ ...options, args: [...(options.args ?? []), '--json'] });
  const { ok, checks } = JSON.parse(out) as { ok: boolean; checks: DoctorCheck[] };
  return { status, ok, checks, err, failed: checks.filter((check) => !check.ok) };
}

const CHECKS = ['app.json', 'manifest', 'credentials', 'stage', 'skill', "skill's credentials", "skill's event", 'subscribers', 'Multicast', 'Unicast'];

it('passes every check against the emulator and a running skill, sends nothing and tells no user id or secret', async () => {
  const before = amazon.received.length;
  const { status, out, err } = await doctor();
  expect(err).toBe('');
  expect(status).toBe(0);
  expect(out.split('\n').filter((line) => /^[✓✗]/.test(line))).toEqual(CHECKS.map((check) => expect.stringMatching(new RegExp(`^✓ ${check.replace('.', '\\.')}: `))));
  expect(out).toContain(`✓ subscribers: 2 user(s) subscribed; ${WEATHER}: ${amazon.url} 2; ${ORDER}: ${amazon.url} 2\n`);
  expect(out).toContain(`✓ skill's event: the skill built ${WEATHER} and would send it to ${amazon.url} at development; it sends its token to Amazon's hosts and ${amazon.url}\n`);
  expect(out).toMatch(/All 10 checks passed\.\n$/);
  // Two token requests (the doctor's and the skill's), and no event.
  expect(eventRequests(amazon)).toHaveLength(0);
  expect(amazon.received.slice(before).map((request) => request.path)).toEqual(['/auth/o2/token', '/auth/o2/token']);
  for (const secret of [...USERS, CLIENT.secret, TRIGGER_SECRET, 'Atc|']) expect(out).not.toContain(secret);
});

it('names a publication missing from the manifest, and says to build and deploy', async () => {
  const cwd = writeProject(({ manifest }) => (manifest.events.publications = [{ eventName: WEATHER }]));
  const { status, failed } = await doctorJson({ cwd });
  expect(status).toBe(1);
  expect(failed).toEqual([
    {
      check: 'manifest',
      ok: false,
      message: `platforms/alexaSkill/skill-package/skill.json: events.publications lacks ${ORDER} (in app.json)`,
      fix: 'run npm run build:platform, then deploy it (npx jovo3 deploy -p alexaSkill): Amazon goes by the deployed manifest',
    },
  ]);
});

it('names a manifest without the permission, the skill events or a real events endpoint', async () => {
  const cwd = writeProject(({ manifest }) => {
    manifest.permissions = [];
    manifest.events.subscriptions = [{ eventName: 'SKILL_ENABLED' }];
    manifest.events.endpoint = { uri: 'https://skill.example.com/webhook' };
  });
  const { failed } = await doctorJson({ cwd });
  expect(failed.map((check) => check.message)).toEqual([
    `platforms/alexaSkill/skill-package/skill.json: no ${NOTIFICATIONS_PERMISSION} permission; events.subscriptions lacks SKILL_PROACTIVE_SUBSCRIPTION_CHANGED, SKILL_DISABLED; ` +
      'events.endpoint.uri is a placeholder (https://skill.example.com/webhook): set SKILL_ENDPOINT or SKILL_LAMBDA_ARN before the build',
  ]);
});

it('explains invalid_client: which credentials are meant and where they are', async () => {
  const { status, failed } = await doctorJson({ env: { ALEXA_CLIENT_SECRET: 'a-security-profile-secret' } });
  expect(status).toBe(1);
  expect(failed).toEqual([
    {
      check: 'credentials',
      ok: false,
      message: expect.stringContaining(`Login with Amazon refused client id ${CLIENT.id} (invalid_client`),
      fix: expect.stringMatching(/^Set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET to the skill's Alexa Skill Messaging client id and secret: .*Build > Permissions/),
    },
  ]);
  expect(failed[0].message).toContain("Use the skill's Alexa Skill Messaging client id and secret");
  expect(JSON.stringify(failed)).not.toContain('a-security-profile-secret');
});

it('says credentials are missing, and where to find them', async () => {
  const { failed } = await doctorJson({ env: { ALEXA_CLIENT_ID: '', ALEXA_CLIENT_SECRET: '' } });
  expect(failed).toEqual([{ check: 'credentials', ok: false, message: 'ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET not set (in .env or the environment)', fix: expect.stringMatching(/^Set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET .*Build > Permissions/) }]);
});

it('reads the settings as the skill does: a variable the skill would refuse is named, and nothing after it is checked', async () => {
  const { status, checks } = await doctorJson({ env: { ALEXA_CLIENT_ID: '', PROACTIVE_STAGE: 'prod' } });
  expect(status).toBe(1);
  expect(checks).toEqual([
    {
      check: 'environment',
      ok: false,
      message: 'The environment is invalid:\n  - PROACTIVE_STAGE: expected one of development, live (given "prod")',
      fix: 'correct the variable in .env or the environment, as the skill would refuse it too',
    },
  ]);
  const half = await doctorJson({ env: { ALEXA_CLIENT_ID: '' } });
  expect(half.checks).toEqual([expect.objectContaining({ check: 'environment', message: 'The environment is invalid:\n  - ALEXA_CLIENT_ID: required with ALEXA_CLIENT_SECRET' })]);
  expect(JSON.stringify(half.checks)).not.toContain(CLIENT.secret);
});

it('names a trigger secret that is not the skill’s', async () => {
  const { status, failed, checks } = await doctorJson({ env: { TRIGGER_SECRET: 'another-secret-of-sufficient-length' } });
  expect(status).toBe(1);
  expect(failed).toEqual([
    {
      check: 'skill',
      ok: false,
      message: `${skill.url} refused the check trigger (403): the signature does not match: another secret, or the request was changed after signing`,
      fix: "TRIGGER_SECRET here must be the skill's own: set the same in both places (or pass --secret)",
    },
  ]);
  // The skill's own checks need its answer: they are not run.
  expect(checks.map((check) => check.check)).toEqual(CHECKS.slice(0, 5));
});

it('names a skill that cannot be reached', async () => {
  const { status, out } = await doctor({ args: ['--endpoint', 'http://127.0.0.1:9/webhook'] });
  expect(status).toBe(1);
  expect(out).toContain('✗ skill: POST http://127.0.0.1:9/webhook failed: ECONNREFUSED');
  expect(out).toContain('  → start the skill (npm start), or pass its webhook with --endpoint\n');
  expect(out).toMatch(/1 of 5 checks failed\.\n$/);
});

it('names a region with no subscribers for a Multicast, and where they are', async () => {
  const { status, failed } = await doctorJson({ args: ['--region', 'EU'] });
  expect(status).toBe(1);
  expect(failed).toEqual([
    {
      check: 'Multicast',
      ok: false,
      message: `a Multicast to EU reaches nobody for ${WEATHER} (its subscribers are in ${amazon.url} 2); ${ORDER} (its subscribers are in ${amazon.url} 2)`,
      fix: expect.stringContaining('--region'),
    },
  ]);
});

it('names subscribers without a stored region for a Unicast, and an origin the skill will not send its token to', async () => {
  // A skill that trusts Amazon's hosts alone: a subscription change through the emulator keeps no region.
  const other = await startSkill([amazon], (settings) => {
    settings.alexa.skillId = APPLICATION_ID;
    settings.app.events = EVENTS;
    settings.sending.credentials = { clientId: CLIENT.id, clientSecret: CLIENT.secret };
    settings.sending.allowedOrigins = [];
  });
  try {
    const subscribe = (userId: string, apiEndpoint: string) =>
      fetch(other.url, { method: 'POST', body: JSON.stringify(subscriptionChanged({ userId, apiEndpoint, events: [WEATHER] })) });
    await subscribe('amzn1.ask.account.DOCTOR-NOWHERE', amazon.url);
    await subscribe(USERS[0], EU_ENDPOINT);
    const eu = await doctorJson({ args: ['--endpoint', other.url, '--region', 'EU', '--event', 'weather'] });
    expect(eu.checks.find((check) => check.check === 'subscribers')?.message).toBe(`2 user(s) subscribed; ${WEATHER}: EU 1`);
    expect(eu.failed).toEqual([
      {
        check: 'Unicast',
        ok: false,
        message: "1 subscribed user(s) have no stored region: a Unicast to them goes to the trigger's region, which may not be theirs",
        fix: 'choose it with --region; their next request or skill event stores it',
      },
    ]);
    const emulator = await doctorJson({ args: ['--endpoint', other.url, '--event', 'weather'] });
    expect(emulator.failed.map((check) => check.check)).toEqual(["skill's event", 'Multicast', 'Unicast']);
    expect(emulator.failed[0]).toEqual({
      check: "skill's event",
      ok: false,
      message: expect.stringContaining(`the skill would refuse ${WEATHER}: apiEndpoint: ${amazon.url} may not receive the access token`),
      fix: `add ${amazon.url} to PROACTIVE_API_ENDPOINTS where the skill runs, or send to Amazon (--region)`,
    });
    expect(eventRequests(amazon)).toHaveLength(0);
  } finally {
    await close(other.server);
  }
});

it("counts a skill's subscribers on DynamoDB through its region index, as on FileDb, without a Scan", async () => {
  const dynamo = await startDynalite();
  const recorder = await recordCalls(dynamo.endpoint);
  await dynamo.createTable('DoctorUsers');
  const other = await startSkill([amazon], (settings) => {
    settings.app.events = EVENTS;
    settings.alexa.skillId = APPLICATION_ID;
    settings.sending.credentials = { clientId: CLIENT.id, clientSecret: CLIENT.secret };
    settings.dynamoDb = { tableName: 'DoctorUsers', endpoint: recorder.endpoint, region: 'us-east-1' };
  });
  try {
    const post = (body: object) => fetch(other.url, { method: 'POST', body: JSON.stringify(body) });
    await post(subscriptionChanged({ userId: USERS[0], apiEndpoint: amazon.url, events: EVENTS }));
    await post(subscriptionChanged({ userId: USERS[1], apiEndpoint: EU_ENDPOINT, events: [WEATHER] }));
    await post(subscriptionChanged({ userId: 'amzn1.ask.account.DOCTOR-LEFT', apiEndpoint: amazon.url, events: [] }));
    const before = recorder.calls.length;
    const { checks } = await doctorJson({ args: ['--endpoint', other.url] });
    expect(checks.find((check) => check.check === 'subscribers')).toEqual({
      check: 'subscribers',
      ok: true,
      message: `2 user(s) subscribed; ${WEATHER}: EU 1, ${amazon.url} 1; ${ORDER}: ${amazon.url} 1`,
    });
    expect(recorder.calls.slice(before).map(({ action }) => action)).not.toContain('Scan');
  } finally {
    await close(other.server);
    await recorder.close();
    await dynamo.close();
  }
});

it('refuses an --event that app.json does not publish, as a usage error', async () => {
  const { status, err } = await doctor({ args: ['--event', 'trash'] });
  expect(status).toBe(2);
  expect(err).toBe('--event "trash": not an event of app.json; expected one of weather, order\n');
});
