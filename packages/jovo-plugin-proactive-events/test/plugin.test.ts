import * as fs from 'fs';
import type { Server } from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { type SendResult, type SummaryRecord } from 'alexa-proactive-events';
import { triggerRequest, type TriggerData } from 'alexa-proactive-events/trigger';
import { userHash, type OrderStatusUpdatedPayload } from 'alexa-proactive-events/internal';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { Log } from 'jovo-core';
import type { HandleRequest, Jovo } from 'jovo-framework';
import { ProactiveEvents, type EventToSend, type ProactiveEventsOptions } from '../src';
import { DEV_SKILL_ID, describeRun } from '../src/internal';
import { runTrigger } from '../src/cli';
import { createWebhook, listen } from '../src/doors/webhook';
import { PROJECT, createApp, gateOptions, testSettings, type Settings, LOCAL_TEST_SKILL } from './helpers/app';
import { inProcessSkill } from './helpers/conversation';
import { TRIGGER_SECRET } from './helpers/pipeline';
import { intentRequest } from './helpers/requests';

const ORDER = 'AMAZON.OrderStatus.Updated';
const shipped: OrderStatusUpdatedPayload = { state: { status: 'ORDER_SHIPPED' }, order: { seller: { name: 'localizedattribute:sellerName' } } };
const sellers = [{ locale: 'en-US', sellerName: 'Example Shop' }, { locale: 'de-DE', sellerName: 'Beispielladen' }];

let amazon: Emulator;
const servers: Server[] = [];

/** The template with two handlers a fork might add, sending from a conversation. */
async function skill(change: (settings: Settings) => void = () => undefined, plugin: Partial<ProactiveEventsOptions> = {}): Promise<string> {
  const settings = testSettings();
  settings.sending = {
    credentials: { clientId: 'id', clientSecret: 'secret' },
    tokenUrl: `${amazon.url}/auth/o2/token`,
    allowedOrigins: [amazon.url],
    stage: 'development',
  };
  change(settings);
  const app = createApp(settings, { plugin });
  app.setHandler({
    async ShipMyOrderIntent(this: Jovo) {
      const result = await this.$proactiveEvents!.send({ name: ORDER, payload: shipped }, { localizedAttributes: sellers });
      this.tell(`${result.status}${result.errors.map((error) => ` ${error.message}`).join('')}`);
    },
    async TellEveryoneIntent(this: Jovo) {
      const result = await this.$proactiveEvents!.send({ name: ORDER, payload: shipped }, { to: 'all', localizedAttributes: sellers, referenceId: 'everyone-1' });
      this.tell(result.status);
    },
    async WrongStatusIntent(this: Jovo) {
      // @ts-expect-error `send` is typed by the event's name: 'SHIPPED' is no order status, and `order` is missing.
      const result = await this.$proactiveEvents!.send({ name: ORDER, payload: { state: { status: 'SHIPPED' } } });
      this.tell(result.status);
    },
  });
  const server = await listen(createWebhook(app, { ...gateOptions(settings), log: () => undefined }), 0, '127.0.0.1');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
}

async function say(webhook: string, intent: string, userId = 'amzn1.ask.account.SHOPPER'): Promise<string> {
  const response = await fetch(webhook, { method: 'POST', body: JSON.stringify(intentRequest({ userId, intent, apiEndpoint: amazon.url })) });
  return ((await response.json()) as { response: { outputSpeech: { ssml: string } } }).response.outputSpeech.ssml.replace(/<\/?speak>/g, '');
}

beforeAll(async () => (amazon = await createEmulator({ port: 0 })));
afterAll(async () => {
  await amazon.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});
afterEach(() => amazon.reset());

it("lets a handler send an event to this user, in this request's region", async () => {
  await expect(say(await skill(), 'ShipMyOrderIntent')).resolves.toBe('accepted');
  expect(amazon.accepted).toEqual([expect.objectContaining({ event: ORDER, audience: 'amzn1.ask.account.SHOPPER' })]);
  expect(amazon.accepted[0].texts['de-DE']).toBe('Deine Bestellung bei Beispielladen wurde versandt.');
});

it('lets a handler send an event to every subscriber', async () => {
  await expect(say(await skill(), 'TellEveryoneIntent')).resolves.toBe('accepted');
  expect(amazon.accepted).toEqual([expect.objectContaining({ audience: 'Multicast', referenceId: 'everyone-1' })]);
});

it("refuses a handler's send that its type check would have caught, logging each field with its value and what is allowed", async () => {
  const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
  try {
    await expect(say(await skill(), 'WrongStatusIntent')).resolves.toBe('rejected');
    expect(warn.mock.calls.map(([line]) => String(line))).toEqual([
      `ProactiveEvents: ${ORDER} not sent: event.payload.state.status: expected one of PREORDER_RECEIVED, ORDER_RECEIVED, ORDER_PREPARING, ORDER_SHIPPED, ORDER_OUT_FOR_DELIVERY, ORDER_DELIVERED (given "SHIPPED"); event.payload.order: required: an object`,
    ]);
    expect(amazon.received).toEqual([]);
  } finally {
    warn.mockRestore();
  }
});

it('type-checks the payload of each event by its name', () => {
  const typed = (event: EventToSend) => event;
  typed({ name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'TORNADO' } } });
  // @ts-expect-error a weather alert's payload is no order's
  typed({ name: 'AMAZON.WeatherAlert.Activated', payload: shipped });
  // @ts-expect-error an event that is not one of the eight
  typed({ name: 'AMAZON.Weather.Changed', payload: {} });
  // @ts-expect-error a field the schema does not have
  typed({ name: ORDER, payload: { ...shipped, trackingNumber: '1Z999' } });
  const order: EventToSend<typeof ORDER> = { name: ORDER, payload: shipped };
  expect(order.payload.state.status).toBe('ORDER_SHIPPED');
});

it('refuses to send without credentials, saying which variables to set', async () => {
  const webhook = await skill((settings) => delete settings.sending.credentials);
  await expect(say(webhook, 'ShipMyOrderIntent')).resolves.toBe('rejected The skill cannot send events: set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET');
  expect(amazon.received).toEqual([]);
});

it('refuses a trigger secret too short to be safe, when the plugin is made', () => {
  expect(() => new ProactiveEvents({ events: [ORDER], triggerSecret: 'hunter2' })).toThrow(
    expect.objectContaining({
      name: 'OptionsError',
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining('triggerSecret: is too short (7 characters); use at least 16, e.g. the output of `openssl rand -hex 32`'),
    }),
  );
  expect(() => new ProactiveEvents({ events: [ORDER], triggerSecret: 'hunter2' })).not.toThrow(/hunter2/);
});

it('lists every option it cannot take at once, as an OptionsError naming each option and the value given', () => {
  const made = () => new ProactiveEvents({ events: [ORDER], triggerSecret: 'hunter2', userScheduleSendsPerMinute: 0, apiEndpoints: ['https://api.amazonalexa.com'], scheduleEndpoint: 'http://127.0.0.1:9' });
  expect(made).toThrow(
    expect.objectContaining({
      name: 'OptionsError',
      code: 'ERR_INVALID_OPTIONS',
      issues: [
        expect.objectContaining({ path: 'triggerSecret' }),
        { path: 'userScheduleSendsPerMinute', message: 'expected a whole number of at least 1', value: 0 },
        expect.objectContaining({ path: 'scheduleEndpoint', value: 'http://127.0.0.1:9' }),
      ],
    }),
  );
  expect(made).not.toThrow(/hunter2/);
});

it("refuses to send an event outside the plugin's events, from a handler or a trigger, though the sender would take it", async () => {
  const webhook = await skill((settings) => (settings.triggerSecret = TRIGGER_SECRET), { events: ['AMAZON.WeatherAlert.Activated'] });
  const why = "is not one of the events this skill publishes (the plugin's events: AMAZON.WeatherAlert.Activated); add it there, and to the skill's manifest, to send it; nothing was sent";
  expect(await say(webhook, 'ShipMyOrderIntent')).toBe(`rejected ${why}`);
  const data = { event: { name: ORDER, payload: shipped }, localizedAttributes: sellers, referenceId: 'not-published', users: ['amzn1.ask.account.ONE', 'amzn1.ask.account.TWO'], stage: 'development' as const, explicitEndpoint: true };
  const response = await fetch(webhook, { method: 'POST', body: JSON.stringify(triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'OrderStatusIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET })) });
  const results = ((await response.json()) as { proactiveEvents: SendResult[] }).proactiveEvents;
  expect(results).toEqual(data.users.map((user) => expect.objectContaining({ user, status: 'rejected', errors: [{ path: 'event.name', message: why, value: ORDER }] })));
  expect(amazon.received).toEqual([]);
});

it('sends nothing for a trigger no door admitted, and says once how to serve the app', async () => {
  const settings = testSettings();
  settings.triggerSecret = TRIGGER_SECRET;
  const skill = inProcessSkill(createApp(settings));
  const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
  try {
    const data = { event: { name: ORDER, payload: shipped }, localizedAttributes: sellers, referenceId: 'no-door', stage: 'development' as const, explicitEndpoint: true };
    const trigger = triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'OrderStatusIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET });
    const user = skill.user();
    expect((await user.send(trigger)).getSpeechPlain()).toBe('OrderStatusIntent: 1 rejected.');
    await user.send(trigger);
    const lines = warn.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('no door of this plugin admitted'));
    expect(lines).toEqual(['ProactiveEvents: a request carried a trigger that no door of this plugin admitted, so it sends nothing: serve the app with createWebhook or createLambdaHandler']);
    expect(amazon.received).toEqual([]);
  } finally {
    warn.mockRestore();
    skill.close();
  }
});

it("trusts a trigger on the host its door made alone: the very request the door let in, handed to the app on another host, sends nothing", async () => {
  const settings = testSettings();
  settings.sending = { credentials: { clientId: 'id', clientSecret: 'secret' }, tokenUrl: `${amazon.url}/auth/o2/token`, allowedOrigins: [amazon.url], stage: 'development' };
  settings.triggerSecret = TRIGGER_SECRET;
  const app = createApp(settings);
  const requests: object[] = [];
  app.middleware('request')!.use(({ host }: HandleRequest) => void requests.push(host.getRequestObject()));
  const server = await listen(createWebhook(app, { ...gateOptions(settings), log: () => undefined }), 0, '127.0.0.1');
  servers.push(server);
  const data = { event: { name: ORDER, payload: shipped }, localizedAttributes: sellers, referenceId: 'host-only', stage: 'development' as const, explicitEndpoint: true };
  const trigger = triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'OrderStatusIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET });
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, { method: 'POST', body: JSON.stringify(trigger) });
  expect(((await response.json()) as { proactiveEvents: SendResult[] }).proactiveEvents).toEqual([expect.objectContaining({ status: 'accepted' })]);
  // The same request object, as Jovo got it from the door, on a host no door made (a middleware that kept it, say).
  const answers: unknown[] = [];
  const host = {
    hasWriteFileAccess: true,
    headers: {},
    $request: requests[0],
    getRequestObject: () => requests[0],
    getQueryParams: () => ({}),
    setResponse: async (answer: unknown) => void answers.push(answer),
    fail: (error: Error) => void answers.push(error),
  };
  const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
  try {
    await app.handle(host);
  } finally {
    warn.mockRestore();
  }
  const [again] = (answers[0] as { proactiveEvents: SendResult[] }).proactiveEvents;
  expect(again).toMatchObject({ status: 'rejected', errors: [{ message: expect.stringContaining('no signed trigger came in with this request') }] });
  expect(amazon.accepted).toHaveLength(1);
});

it('says so when a Unicast goes to a user the skill has never heard from, for whom no region is stored', async () => {
  const webhook = await skill((settings) => (settings.triggerSecret = TRIGGER_SECRET));
  const user = 'amzn1.ask.account.NEVER-SEEN';
  const data = { event: { name: ORDER, payload: shipped }, localizedAttributes: sellers, referenceId: 'never-seen', users: [user], stage: 'development' as const, explicitEndpoint: false };
  const response = await fetch(webhook, { method: 'POST', body: JSON.stringify(triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'OrderStatusIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET })) });
  const [result] = ((await response.json()) as { proactiveEvents: Array<{ status: string; warnings: Array<{ path: string; message: string }> }> }).proactiveEvents;
  expect(result.status).toBe('accepted');
  expect(result.warnings).toEqual([
    { path: 'user', message: `no region is stored for the user (the skill has not heard from them), so the event went to ${amazon.url}, the trigger's; --region or --api-endpoint chooses` },
  ]);
});

it("ends a trigger's batch of users with one summary record, in counts; a single send has none", async () => {
  const summaries: SummaryRecord[] = [];
  const webhook = await skill((settings) => (settings.triggerSecret = TRIGGER_SECRET), { onSummary: (record) => void summaries.push(record) });
  const post = (data: TriggerData) =>
    fetch(webhook, { method: 'POST', body: JSON.stringify(triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'OrderStatusIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET })) });
  const users = ['amzn1.ask.account.FIRST', 'amzn1.ask.account.SECOND', 'amzn1.ask.account.THIRD'];
  await post({ event: { name: ORDER, payload: shipped }, localizedAttributes: sellers, referenceId: 'batch-1', users, stage: 'development' as const, explicitEndpoint: false });
  await post({ event: { name: ORDER, payload: shipped }, localizedAttributes: sellers, referenceId: 'everyone', stage: 'development' as const, explicitEndpoint: true });
  expect(summaries).toEqual([
    { run: 'trigger', name: 'OrderStatusIntent', event: ORDER, referenceId: 'batch-1', sends: 3, statuses: { accepted: 3 }, latencyMs: expect.any(Number) },
  ]);
  expect(JSON.stringify(summaries)).not.toContain('amzn1.ask.account.');
});

describe('npx proactive-events invoke', () => {
  async function invoke(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const status = await runTrigger(['invoke', ...argv], { out: (text) => (out += text), err: (text) => (err += text), cwd: PROJECT });
    return { status, out, err };
  }

  it("tries a fork's new intent as Alexa would send it, and shows what the skill says and every event it sent", async () => {
    const webhook = await skill();
    const { status, out, err } = await invoke('ShipMyOrderIntent', '--endpoint', webhook, '--emulator', amazon.url, '--user', 'amzn1.ask.account.FORK');
    expect(err).toBe('');
    expect(status).toBe(0);
    expect(out).toBe(
      'Alexa says: accepted\n  (the session ends)\n' +
        '✓ AMAZON.OrderStatus.Updated accepted (to amzn1.ask.account.FORK)\n' +
        '    en-US: Your order from Example Shop has been shipped.\n' +
        '    de-DE: Deine Bestellung bei Beispielladen wurde versandt.\n' +
        "(the skill's log, with any event it refused to send itself, is in npm run dev's output)\n",
    );
  });

  it('warns of an intent that is in no model, naming the nearest, and sends it all the same', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'invoke-models-'));
    fs.copyFileSync(path.join(PROJECT, 'app.json'), path.join(project, 'app.json'));
    fs.mkdirSync(path.join(project, 'models'));
    const model = { invocation: 'shop', intents: [{ name: 'ShipMyOrderIntent', phrases: ['ship my order'] }], alexa: { interactionModel: { languageModel: { intents: [{ name: 'AMAZON.HelpIntent', samples: [] }] } } } };
    fs.writeFileSync(path.join(project, 'models', 'en-US.json'), JSON.stringify(model));
    const webhook = await skill();
    const run = async (intent: string) => {
      let err = '';
      const status = await runTrigger(['invoke', intent, '--endpoint', webhook, '--emulator', amazon.url], { out: () => undefined, err: (text) => (err += text), cwd: project });
      return { status, err };
    };
    // This test skill has no Unhandled handler, so it then fails the request: the warning says why.
    const typo = await run('ShipMyOrdrIntent');
    expect(typo.err.split('\n')[0]).toBe('⚠ ShipMyOrdrIntent is in no intent of models/en-US.json, so Alexa would never send it (did you mean ShipMyOrderIntent?); sending it anyway');
    // The model's own intents and Alexa's built-ins under "alexa" are known: no warning.
    expect((await run('AMAZON.HelpIntent')).err).not.toContain('⚠');
    await expect(run('ShipMyOrderIntent')).resolves.toEqual({ status: 0, err: '' });
  });

  it('passes slots and the locale, and says when nothing was sent', async () => {
    const webhook = await skill((settings) => settings);
    const { out } = await invoke('WrongStatusIntent', '--endpoint', webhook, '--emulator', amazon.url, '--slot', 'order=1234', '--locale', 'de-DE', '--json');
    expect(JSON.parse(out)).toEqual({ response: expect.objectContaining({ outputSpeech: { type: 'SSML', ssml: '<speak>rejected</speak>' } }), events: [], refused: [] });
  });

  it("is refused by a skill that checks Alexa's signatures, saying what to run instead", async () => {
    const settings = testSettings();
    const app = createApp(settings);
    const server = await listen(createWebhook(app, { signatures: true, skillId: DEV_SKILL_ID, log: () => undefined }), 0, '127.0.0.1');
    servers.push(server);
    const { status, err } = await invoke('launch', '--endpoint', `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, '--emulator', amazon.url);
    expect(status).toBe(1);
    expect(err).toMatch(/^✗ the skill refused the request \(SIGNATURE_INVALID: .*\)\n  This skill checks Alexa's signatures, so it refuses requests made up here: run npm run dev, whose skill takes them\n$/);
  });

  it('exits 2 without a development skill, or for a hidden intent, naming what to do', async () => {
    await expect(invoke('launch')).resolves.toMatchObject({ status: 2, err: '✗ no development skill: start one with npm run dev (or name one with --endpoint and its emulator with --emulator)\n' });
    const hidden = await invoke('WeatherAlertIntent', '--endpoint', 'http://127.0.0.1:1/webhook', '--emulator', amazon.url);
    expect(hidden).toMatchObject({ status: 2, err: expect.stringContaining('WeatherAlertIntent is a hidden intent: only signed triggers reach it') });
    await expect(invoke('launch', '--slot', 'nameless')).resolves.toMatchObject({ status: 2, err: expect.stringContaining('expected name=value, not "nameless"') });
  });
});

describe('subscribers turned on and off on the emulator, as in the Alexa app', () => {
  const ME = 'amzn1.ask.account.SHOPPER';
  beforeAll(async () => {
    await amazon.close();
    amazon = await createEmulator({ port: 0, subscribers: {} });
  });

  it('reaches the skill, which stores them: a Unicast goes out, then is skipped by the skill and refused by Amazon', async () => {
    const webhook = await skill((settings) => (settings.triggerSecret = TRIGGER_SECRET));
    amazon.setSkill({ url: webhook });
    const trigger = (referenceId: string) => {
      const data = { event: { name: ORDER, payload: shipped }, localizedAttributes: sellers, referenceId, users: [ME], stage: 'development' as const, explicitEndpoint: false };
      // The trigger names Amazon's NA host: the user's stored region (this emulator, from the change) wins.
      return fetch(webhook, { method: 'POST', body: JSON.stringify(triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'OrderStatusIntent', data, apiEndpoint: 'https://api.amazonalexa.com', locale: 'en-US', secret: TRIGGER_SECRET })) });
    };
    const results = async (response: Response) => ((await response.json()) as { proactiveEvents: Array<{ status: string; errors: Array<{ message: string }> }> }).proactiveEvents;

    await expect(amazon.setSubscriptions(ME, [ORDER], 'de-DE')).resolves.toMatchObject({ skill: { delivered: true } });
    expect(await results(await trigger('on-1'))).toEqual([expect.objectContaining({ status: 'accepted' })]);
    expect(amazon.accepted).toEqual([expect.objectContaining({ audience: ME, reached: [ME] })]);

    await expect(amazon.setSubscriptions(ME, [])).resolves.toMatchObject({ skill: { delivered: true } });
    const [skipped] = await results(await trigger('off-1'));
    expect(skipped.status).toBe('skipped');
    expect(skipped.errors[0].message).toMatch(new RegExp(`^the user is not subscribed to ${ORDER} \\(subscriptions as of .*: none\\); nothing was sent$`));
    // As a scheduled run's log line shows it: the user by hash alone.
    const line = describeRun({ name: 'order-updates', scheduledTime: '2026-12-08T17:00:00.000Z', referenceId: 'off-1', results: [skipped as SendResult] });
    expect(line).toContain(`user ${userHash(ME)}: skipped: the user is not subscribed`);
    expect(line).not.toContain(ME);
    // A handler's send does not ask the store: Amazon refuses it.
    await expect(say(webhook, 'ShipMyOrderIntent', ME)).resolves.toMatch(/^rejected 403: Amazon refused the event: The user is not subscribed to AMAZON\.OrderStatus\.Updated \(subscribed here to: none;/);
    expect(amazon.accepted).toHaveLength(1);

    let out = '';
    const status = await runTrigger(['invoke', 'ShipMyOrderIntent', '--endpoint', webhook, '--emulator', amazon.url, '--user', ME], { out: (text) => (out += text), err: () => undefined, cwd: PROJECT });
    expect(status).toBe(0);
    expect(out).toContain(`✗ ${ORDER} refused by the emulator, as Amazon would (403): The user is not subscribed to ${ORDER} (subscribed here to: none;`);
  });
});

