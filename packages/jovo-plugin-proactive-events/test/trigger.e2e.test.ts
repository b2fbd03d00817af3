import * as fs from 'fs';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { previewText, validateRequest } from 'alexa-proactive-events';
import { MAX_TRIGGER_BYTES, triggerRequest, type TriggerData } from 'alexa-proactive-events/trigger';
import { EVENT_DEFINITIONS, eventDefinition, eventFromInputs } from 'alexa-proactive-events/internal';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import type { Jovo } from 'jovo-framework';
import { readSubscriber } from '../src';
import { runTrigger } from '../src/cli';
import { signTriggers, triggerEvent } from '../src/trigger/client';
import { sendPlan } from '../src/cli/sendOptions';
import { createWebhook, listen } from '../src/doors/webhook';
import { EXAMPLES, createApp, gateOptions, type Settings, LOCAL_TEST_SKILL } from './helpers/app';
import { TRIGGER_SECRET, close, eventRequests, skillSettings, startSkill as startSkillAt, trigger as runTriggerAt } from './helpers/pipeline';
import { intentRequest, subscriptionChanged } from './helpers/requests';

const SECRET = TRIGGER_SECRET;
const ORDER = 'AMAZON.OrderStatus.Updated';
const WEATHER = 'AMAZON.WeatherAlert.Activated';

/** Amazon, played by two emulators: North America, and another region where some users live. */
let amazon: Emulator;
let amazonEu: Emulator;
const skills: Server[] = [];
let webhook: string;

async function startSkill(change?: (settings: Settings) => void): Promise<string> {
  const started = await startSkillAt([amazon, amazonEu], change);
  skills.push(started.server);
  return started.url;
}

beforeAll(async () => {
  amazon = await createEmulator({ port: 0 });
  amazonEu = await createEmulator({ port: 0 });
  webhook = await startSkill();
});
afterAll(async () => {
  await Promise.all([amazon.close(), amazonEu.close(), ...skills.map(close)]);
});
afterEach(() => {
  amazon.reset();
  amazonEu.reset();
});

function trigger(...argv: string[]) {
  return runTriggerAt(webhook, ...argv);
}

function flags(inputs: Record<string, string | undefined>): string[] {
  return Object.entries(inputs).flatMap(([flag, value]) => [`--${flag}`, value ?? '']);
}

/** Posts an Alexa request (a skill event, say) to the skill. */
async function alexa(body: unknown): Promise<void> {
  const response = await fetch(webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

/** Posts a request to the skill and returns its (first) trigger result. */
async function post(body: unknown, url = webhook): Promise<{ status: string; errors: Array<{ message: string }> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const { proactiveEvents } = (await response.json()) as { proactiveEvents: Array<{ status: string; errors: Array<{ message: string }> }> };
  expect(proactiveEvents).toHaveLength(1);
  return proactiveEvents[0];
}

/** A trigger the webhook's door turns away, before Jovo: 403 with the reason, and nothing of the body. */
async function refusedAtTheDoor(body: unknown, url = webhook): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(403);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe('TRIGGER_REFUSED');
  return error.message;
}

describe('through the hidden intents', () => {
  it.each(EVENT_DEFINITIONS.map((definition) => [definition.command, definition] as const))(
    '`%s` sends its event to every subscriber (Multicast), and Amazon hears what the preview says',
    async (_, definition) => {
      const run = await trigger(definition.command, ...flags(definition.example), '--api-endpoint', amazon.url, '--json');
      expect(run.err).toBe('');
      expect(run.status).toBe(0);
      const [outcome] = run.json();
      expect(outcome).toEqual({
        event: definition.name,
        referenceId: expect.any(String),
        status: 'accepted',
        httpStatus: 202,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        errors: [],
        warnings: [],
        attempts: 1,
      });
      expect(amazon.accepted).toHaveLength(1);
      const [accepted] = amazon.accepted;
      expect(accepted).toMatchObject({ event: definition.name, audience: 'Multicast', referenceId: outcome.referenceId });
      const validated = validateRequest(accepted.request);
      expect(validated.ok && previewText(validated.request, 'en-US')).toBe(accepted.text);
      expect(Object.keys(accepted.texts)).toEqual(['en-US', 'de-DE']);
    },
  );

  it('prints a line per event for people', async () => {
    const run = await trigger('weather', '--alert-type', 'TORNADO', '--source', 'Weather Knows', '--api-endpoint', amazon.url);
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/^✓ AMAZON\.WeatherAlert\.Activated accepted \(202, request id [0-9a-f-]{36}\)\n$/);
  });

  it("names the project's setting where the skill's sender names its option", async () => {
    const run = await trigger('weather', '--alert-type', 'TORNADO', '--source', 'Weather Knows', '--api-endpoint', 'http://127.0.0.1:9');
    expect(run.status).toBe(1);
    expect(run.out).toContain("http://127.0.0.1:9 may not receive the access token: only Amazon's hosts");
    expect(run.out).toMatch(/\n {4}hint: the skill's allowed origins are its PROACTIVE_API_ENDPOINTS \(where it runs\)\n$/);
  });

  it('sends a prepared file with send --file', async () => {
    const file = path.join(EXAMPLES, 'occasion.json');
    const run = await trigger('send', '--file', file, '--api-endpoint', amazon.url, '--json');
    expect(run.json()).toEqual([expect.objectContaining({ event: 'AMAZON.Occasion.Updated', status: 'accepted', referenceId: 'schema-page-example-occasion' })]);
    expect(amazon.accepted[0].text).toBe('Your appointment at Dental XYZ for root canal on November 20, 2018 has been confirmed.');
  });

  it("sends a file's field Amazon does not name as given, with a warning, and new timestamps", async () => {
    const example = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'weather-alert.json'), 'utf8'));
    example.event.payload.name = 'AMAZON.WeatherAlert.Activated';
    Object.assign(example, { source: 'a Java kit' });
    // Zone-less and long past: the skill sets new ones, so not worth a warning.
    Object.assign(example, { timestamp: '2018-01-01T00:00:00', expiryTime: '2018-01-01T01:00:00' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'send-')), 'weather.json');
    fs.writeFileSync(file, JSON.stringify(example));
    const run = await trigger('send', '--file', file, '--api-endpoint', amazon.url);
    expect(run.status).toBe(0);
    expect(run.err).toBe(
      "  warning: source: not sent: send --file sends the event's payload and localized attributes, and the skill builds the rest\n" +
        `  warning: event.payload.name: unknown field; the fields here are weatherAlert; Amazon's documentation does not name it (given "AMAZON.WeatherAlert.Activated")\n`,
    );
    const [{ request }] = amazon.accepted;
    expect(request.event.payload).toMatchObject({ name: 'AMAZON.WeatherAlert.Activated' });
    expect(Date.parse(request.timestamp)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('reports a resent trigger with the same referenceId as a duplicate, not a second notification', async () => {
    const args = ['trash', ...flags(eventDefinition('AMAZON.TrashCollectionAlert.Activated').example), '--api-endpoint', amazon.url, '--reference-id', 'trash-week-48', '--json'];
    expect((await trigger(...args)).json()[0].status).toBe('accepted');
    const again = await trigger(...args);
    expect(again.status).toBe(0);
    expect(again.json()[0]).toMatchObject({ status: 'duplicate', httpStatus: 409 });
    expect(amazon.accepted).toHaveLength(1);
  });
});

describe('what a trigger carries beyond its signature', () => {
  it('goes nowhere: a session state, another user or slots added to a signed trigger reach no handler and store nothing', async () => {
    const settings = skillSettings([amazon, amazonEu]);
    const app = createApp(settings);
    app.setHandler({ Checkout: { Unhandled(this: Jovo) { this.tell('Checkout ran'); } } });
    const server = await listen(createWebhook(app, { ...gateOptions(settings), log: () => undefined }), 0, '127.0.0.1');
    skills.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
    const data: TriggerData = { event: { name: WEATHER, payload: { weatherAlert: { alertType: 'TORNADO' } } }, referenceId: 'dressed-1', stage: 'development' as const, explicitEndpoint: true };
    const body = JSON.parse(JSON.stringify(triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'WeatherAlertIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: SECRET })));
    body.session = { ...body.session, new: false, attributes: { _JOVO_STATE_: 'Checkout' }, user: { userId: 'amzn1.ask.account.VICTIM' } };
    body.context.System.user.userId = 'amzn1.ask.account.VICTIM';
    body.request.intent.slots = { item: { name: 'item', value: 'x' } };
    await expect(post(body, url)).resolves.toMatchObject({ status: 'accepted' });
    await expect(post(body, url)).resolves.toMatchObject({ status: 'rejected', errors: [{ message: expect.stringMatching(/a replayed trigger$/) }] });
    await expect(readSubscriber(app.$db, 'amzn1.ask.account.VICTIM')).resolves.toBeUndefined();
    expect(amazon.accepted).toEqual([expect.objectContaining({ referenceId: 'dressed-1', audience: 'Multicast' })]);
  });
});

describe('the secret and stage the doors verify triggers with', () => {
  let n = 0;
  const signedFor = (stage: 'development' | 'live' = 'development') =>
    triggerRequest({
      skillId: LOCAL_TEST_SKILL,
      intent: 'WeatherAlertIntent',
      data: { event: { name: WEATHER, payload: { weatherAlert: { alertType: 'TORNADO', source: 'Weather Knows' } } }, referenceId: `door-secret-${n++}`, stage, explicitEndpoint: true },
      apiEndpoint: amazon.url,
      locale: 'en-US',
      secret: SECRET,
    });
  async function serve(app: ReturnType<typeof createApp>, door: Parameters<typeof createWebhook>[1]): Promise<string> {
    const server = await listen(createWebhook(app, { log: () => undefined, localSkillId: LOCAL_TEST_SKILL, ...door }), 0, '127.0.0.1');
    skills.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  }

  it("are the door's own: a skill whose plugin was given no secret takes a trigger signed with the door's, at the door's stage", async () => {
    const settings = skillSettings([amazon, amazonEu]);
    const url = await serve(createApp(settings), { signatures: false, triggerSecret: SECRET, stage: 'development' });
    await expect(post(signedFor(), url)).resolves.toMatchObject({ status: 'accepted' });
    await expect(refusedAtTheDoor(signedFor('live'), url)).resolves.toContain('another stage');
  });

  it("are the plugin's when the door is given none, for apps that give the secret to the plugin alone", async () => {
    const settings = skillSettings([amazon, amazonEu]);
    const url = await serve(createApp(settings, { plugin: { triggerSecret: SECRET } }), { signatures: false });
    await expect(post(signedFor(), url)).resolves.toMatchObject({ status: 'accepted' });
  });

  it("refuse to make a door whose secret or stage is not the plugin's, naming neither secret", () => {
    const settings = skillSettings([amazon, amazonEu]);
    const app = createApp(settings, { plugin: { triggerSecret: SECRET } });
    const other = 'another-trigger-secret-of-enough-length';
    const thrown = (() => {
      try {
        createWebhook(app, { signatures: false, triggerSecret: other });
      } catch (error) {
        return error as Error & { code?: string };
      }
      throw new Error('expected an error');
    })();
    expect(thrown).toMatchObject({ name: 'OptionsError', code: 'ERR_INVALID_OPTIONS', issues: [{ path: 'triggerSecret', message: expect.stringContaining("differs from the ProactiveEvents plugin's triggerSecret") }] });
    expect(thrown.message).not.toContain(other);
    expect(thrown.message).not.toContain(SECRET);
    expect(() => createWebhook(app, { signatures: false, stage: 'live' })).toThrow(
      "stage: differs from the ProactiveEvents plugin's stage development: a trigger must be signed for the stage the skill sends at (given \"live\")",
    );
  });
});

describe('Unicast', () => {
  it("goes to the region the skill stored for the user, unless the trigger names one", async () => {
    const user = 'amzn1.ask.account.IN-THE-OTHER-REGION';
    await alexa(subscriptionChanged({ userId: user, events: [ORDER], apiEndpoint: amazonEu.url }));
    const order = flags(eventDefinition(ORDER).example);
    const stored = await trigger('order', ...order, '--user', user, '--json');
    expect(stored.json()).toEqual([expect.objectContaining({ status: 'accepted', user })]);
    expect(amazonEu.accepted.map((event) => event.audience)).toEqual([user]);
    expect(amazon.accepted).toEqual([]);

    const named = await trigger('order', ...order, '--user', user, '--api-endpoint', amazon.url, '--json');
    expect(named.json()[0].status).toBe('accepted');
    expect(amazon.accepted.map((event) => event.audience)).toEqual([user]);
  });

  it('skips a user whose subscriptions exclude the event, calling nobody', async () => {
    const user = 'amzn1.ask.account.WEATHER-ONLY';
    await alexa(subscriptionChanged({ userId: user, events: [WEATHER], apiEndpoint: amazonEu.url, timestamp: '2026-11-22T10:00:00Z' }));
    const run = await trigger('order', ...flags(eventDefinition(ORDER).example), '--user', user, '--json');
    expect(run.status).toBe(0); // nothing to do
    expect(run.json()).toEqual([
      expect.objectContaining({
        status: 'skipped',
        user,
        httpStatus: null,
        errors: [{ path: '', message: `the user is not subscribed to ${ORDER} (subscriptions as of 2026-11-22T10:00:00Z: ${WEATHER}); nothing was sent` }],
      }),
    ]);
    expect([...eventRequests(amazon), ...eventRequests(amazonEu)]).toEqual([]);
  });

  it('fans out to every user of --users-file in batches, each event accepted once', async () => {
    const users = Array.from({ length: 25 }, (_, i) => `amzn1.ask.account.FAN-${i}`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'users-')), 'users.txt');
    fs.writeFileSync(file, `# subscribers of the weekly digest\n${users.join('\n')}\n\n`);
    const run = await trigger('message', ...flags(eventDefinition('AMAZON.MessageAlert.Activated').example), '--users-file', file, '--api-endpoint', amazon.url, '--json', '--concurrency', '2', '--batch-size', '10');
    expect(run.status).toBe(0);
    expect(run.json().map((outcome) => outcome.status)).toEqual(users.map(() => 'accepted'));
    expect(amazon.accepted.map((event) => event.audience).sort()).toEqual([...users].sort());
  });

  it('hands each batch to onResults and keeps none with keepResults: false, as the trigger script does', async () => {
    const users = Array.from({ length: 12 }, (_, i) => `amzn1.ask.account.STREAM-${i}`);
    const message = eventFromInputs('AMAZON.MessageAlert.Activated', eventDefinition('AMAZON.MessageAlert.Activated').example);
    const plan = { endpoint: webhook, secret: SECRET, skillId: LOCAL_TEST_SKILL, stage: 'development' as const, apiEndpoint: amazon.url, explicitEndpoint: true, users, batchSize: 5 };
    const batches: number[] = [];
    const kept = await triggerEvent(message, plan, { keepResults: false, onResults: (results) => void batches.push(results.length) });
    expect(kept).toEqual([]);
    expect(batches.sort()).toEqual([2, 5, 5]);
    expect(amazon.accepted.map((event) => event.audience).sort()).toEqual([...users].sort());
  });
});

describe('refused, sending nothing', () => {
  const weatherData: TriggerData = {
    event: { name: WEATHER, payload: { weatherAlert: { alertType: 'TORNADO' } } },
    referenceId: 'refused-1',
    stage: 'development' as const, explicitEndpoint: true,
  };
  const signed = (parts: Partial<Parameters<typeof triggerRequest>[0]> = {}) =>
    triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'WeatherAlertIntent', data: weatherData, apiEndpoint: amazon.url, locale: 'en-US', secret: SECRET, ...parts });

  afterEach(() => {
    expect(eventRequests(amazon)).toEqual([]);
    expect(amazon.tokensIssued).toBe(0);
  });
  beforeEach(async () => {
    // Each test starts with an emulator that has issued no token yet.
    await amazon.close();
    amazon = await createEmulator({ port: Number(new URL(amazon.url).port) });
  });

  it('a trigger signed with another secret', async () => {
    const run = await trigger('weather', '--alert-type', 'TORNADO', '--api-endpoint', amazon.url, '--secret', 'not-the-skills-secret-at-all', '--json');
    expect(run.status).toBe(1);
    expect(run.json()[0]).toMatchObject({ status: 'rejected', httpStatus: null, errors: [{ message: expect.stringMatching(/^Trigger refused: the signature does not match/) }] });
  });

  it('a trigger changed after signing', async () => {
    const body = signed();
    (body.trigger.data.event.payload as { weatherAlert: { alertType: string } }).weatherAlert.alertType = 'HURRICANE';
    await expect(refusedAtTheDoor(body)).resolves.toMatch(/^Trigger refused: the signature does not match/);
  });

  it('a trigger older than five minutes', async () => {
    await expect(refusedAtTheDoor(signed({ now: () => Date.now() - 6 * 60_000 }))).resolves.toMatch(/^Trigger refused: the trigger is 36\d s old/);
  });

  it('a replayed trigger', async () => {
    const body = signed({ data: { ...weatherData, event: { name: WEATHER, payload: { weatherAlert: { alertType: 'NOT_A_TYPE' } } } } });
    expect((await post(body)).status).toBe('rejected'); // invalid event, so nothing reaches Amazon either way
    await expect(post(body)).resolves.toMatchObject({ status: 'rejected', errors: [{ message: expect.stringMatching(/a replayed trigger$/) }] });
  });

  it('a real Alexa request naming a hidden intent', async () => {
    const result = await post(intentRequest({ userId: 'amzn1.ask.account.CURIOUS', intent: 'WeatherAlertIntent' }));
    expect(result).toMatchObject({ status: 'rejected', errors: [{ message: expect.stringMatching(/^Trigger refused: no signed trigger came in with this request/) }] });
  });

  it('any trigger, when the skill has no TRIGGER_SECRET', async () => {
    const unguarded = await startSkill((settings) => delete settings.triggerSecret);
    await expect(refusedAtTheDoor(signed(), unguarded)).resolves.toBe('Trigger refused: the skill has no TRIGGER_SECRET, so it accepts no trigger');
  });

  it('an event app.json does not publish', async () => {
    const narrow = await startSkill((settings) => (settings.app.events = [ORDER]));
    const result = await post(signed(), narrow);
    expect(result).toMatchObject({
      status: 'rejected',
      errors: [{ path: 'event.name', value: 'AMAZON.WeatherAlert.Activated', message: expect.stringMatching(/^is not one of the events this skill publishes \(the plugin's events: AMAZON\.OrderStatus\.Updated\)/) }],
    });
  });

  it('a trigger whose event is not the hidden intent\'s', async () => {
    await expect(refusedAtTheDoor(signed({ intent: 'OrderStatusIntent' }))).resolves.toBe(`Trigger refused: OrderStatusIntent sends ${ORDER}, not ${WEATHER}`);
  });

  it('an invalid event, by the trigger script before it posts anything, naming the flag', async () => {
    const run = await trigger('weather', '--alert-type', 'TORNADOS', '--api-endpoint', amazon.url);
    expect(run.status).toBe(2);
    expect(run.err).toContain('- --alert-type: expected one of TORNADO, HURRICANE, SNOW_STORM, THUNDER_STORM (given "TORNADOS")');
  });

  it('a --users-file that holds no user id, which would otherwise be a Multicast to every subscriber', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'users-')), 'users.txt');
    fs.writeFileSync(file, '# nobody yet\n\n');
    const run = await trigger('weather', '--alert-type', 'TORNADO', '--api-endpoint', amazon.url, '--users-file', file);
    expect(run.status).toBe(2);
    expect(run.err).toContain(`--users-file ${file}: holds no user id (one per line, or a JSON array); nothing was sent`);
    expect(eventRequests(amazon)).toEqual([]);
  });

  it('a --users-file with an id the skill cannot store, anywhere in it, before a first batch goes out', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'users-')), 'users.txt');
    const fine = Array.from({ length: 250 }, (_, i) => `amzn1.ask.account.FINE${i}`);
    fs.writeFileSync(file, [...fine, `amzn1.ask.account.${'X'.repeat(2100)}`, 'amzn1.ask.account.AFTER'].join('\n'));
    const run = await trigger('weather', '--alert-type', 'TORNADO', '--api-endpoint', amazon.url, '--users-file', file);
    expect(run.status).toBe(2);
    expect(run.err).toContain(`--users-file ${file}: its id 251 ("amzn1.ask.account.XXXXXXXXXXXX…", 2,118 bytes): expected at most 2,048 bytes (DynamoDB's key limit); nothing was sent`);
    expect(eventRequests(amazon)).toEqual([]);
  });

  it('everything, with --dry-run, which prints the signed request instead', async () => {
    const run = await trigger('weather', '--alert-type', 'TORNADO', '--api-endpoint', amazon.url, '--dry-run');
    expect(run.status).toBe(0);
    const [request] = run.json();
    expect(request).toMatchObject({ request: { type: 'IntentRequest', intent: { name: 'WeatherAlertIntent' } }, trigger: { signature: expect.stringMatching(/^v3=/) } });
    expect(run.out).not.toContain(SECRET);
  });
});

describe('the trigger script', () => {
  it('exits 2 without a trigger secret', async () => {
    const saved = process.env.TRIGGER_SECRET;
    delete process.env.TRIGGER_SECRET;
    let err = '';
    const status = await runTrigger(['weather', '--alert-type', 'TORNADO', '--endpoint', webhook], { out: () => undefined, err: (text) => (err += text), cwd: os.tmpdir() });
    if (saved !== undefined) process.env.TRIGGER_SECRET = saved;
    expect(status).toBe(2);
    expect(err).toBe('No trigger secret: set TRIGGER_SECRET in the environment or .env (as the skill has it), pass --secret, or run npm run dev, whose skill the script finds by itself\n');
  });

  it('exits 3 when the skill cannot be reached, naming the cause', async () => {
    const run = await trigger('weather', '--alert-type', 'TORNADO', '--endpoint', 'http://127.0.0.1:9/webhook', '--json');
    expect(run.status).toBe(3);
    expect(run.json()[0]).toMatchObject({ status: 'failed', errors: [{ message: expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:9\/webhook failed: ECONNREFUSED/) }] });
  });

  it('halves a batch whose trigger would be larger than a door reads, and refuses an event that fits in none', () => {
    const weather = eventFromInputs('AMAZON.WeatherAlert.Activated', { 'alert-type': 'TORNADO', source: 'Weather Knows' });
    // 500 users of the longest id a store takes: one batch would be a megabyte.
    const users = Array.from({ length: 500 }, (_, i) => `amzn1.ask.account.${String(i).padStart(4, '0')}${'A'.repeat(2000)}`);
    const triggers = signTriggers(weather, { endpoint: 'http://127.0.0.1:9/webhook', secret: SECRET, skillId: LOCAL_TEST_SKILL, stage: 'development', users, batchSize: 500 });
    expect(triggers.length).toBeGreaterThanOrEqual(4);
    for (const signed of triggers) expect(Buffer.byteLength(JSON.stringify(signed))).toBeLessThanOrEqual(MAX_TRIGGER_BYTES);
    expect(triggers.flatMap((signed) => signed.trigger.data.users!)).toEqual(users);
    const huge = { ...weather, localizedAttributes: [{ locale: 'en-US', source: 'x'.repeat(MAX_TRIGGER_BYTES) }] };
    expect(() => signTriggers(huge, { endpoint: 'http://127.0.0.1:9/webhook', secret: SECRET, skillId: LOCAL_TEST_SKILL, stage: 'development' })).toThrow(
      /^the trigger is 257 KB, and a skill reads at most 256 KB: shorten the event's localized attributes$/,
    );
    expect(() => signTriggers(huge, { endpoint: 'http://127.0.0.1:9/webhook', secret: SECRET, skillId: LOCAL_TEST_SKILL, stage: 'development' })).toThrow(
      expect.objectContaining({ code: 'ERR_TRIGGER_TOO_LARGE' }),
    );
  });

  it('finds the Jovo Webhook of this machine in ~/.jovo/config', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'home-'));
    const saved = process.env.HOME;
    process.env.HOME = home;
    const io = { out: () => undefined, err: () => undefined, cwd: home };
    const options = { endpoint: 'jovo-webhook', secret: SECRET, concurrency: 8, batchSize: 25 };
    try {
      expect(() => sendPlan(options, io)).toThrow('exit 2');
      fs.mkdirSync(path.join(home, '.jovo'));
      fs.writeFileSync(path.join(home, '.jovo', 'config'), JSON.stringify({ webhook: { uuid: '4acc79fd-4c3a-439d-84b0-1e4b85a27127' } }));
      expect(sendPlan(options, io).endpoint).toBe('https://webhookv3.jovo.cloud/4acc79fd-4c3a-439d-84b0-1e4b85a27127');
    } finally {
      process.env.HOME = saved;
    }
  });

  it.each(['weather', 'sports', 'message', 'order', 'occasion', 'trash', 'media', 'game-invite', 'send'])('shows an example in %s --help', async (command) => {
    const run = await trigger(command, '--help');
    expect(run.status).toBe(0);
    expect(run.out).toMatch(new RegExp(`\\n {2}npx proactive-events ${command} --`));
  });
});
