import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { DEFAULT_TIME_ZONE, createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import type { Jovo } from 'jovo-framework';
import { ProactiveEvents, type ProactiveEventsOptions } from '../src';
import { createWebhook, listen } from '../src/doors/webhook';
import { createApp, gateOptions, handlers, testSettings } from './helpers/app';
import { API_ACCESS_TOKEN, intentRequest, launchRequest, subscriptionChanged } from './helpers/requests';
import { warnings } from './helpers/logs';

/** Each user's time zone, read from Alexa's Settings API (the emulator) at their requests, at most once a day. */

const DAY = 24 * 3_600_000;
const DEVICE = 'amzn1.ask.device.KITCHEN';
const WEATHER = 'AMAZON.WeatherAlert.Activated';

/** A server on loopback that answers as `answer` says and counts what it got: an Amazon that misbehaves. */
interface StandIn {
  url: string;
  server: Server;
  requests: IncomingMessage[];
  answer: (res: ServerResponse) => void;
}

let amazon: Emulator;
/** An allowed origin that answers what a test says. */
let misbehaving: StandIn;
/** An origin the skill does not allow: nothing may reach it. */
let outsider: StandIn;
let clock: { now: number };
let users = 0;
const servers: Server[] = [];

async function standIn(): Promise<StandIn> {
  const stand: StandIn = { url: '', server: undefined as unknown as Server, requests: [], answer: (res) => res.writeHead(500).end() };
  stand.server = createServer((req, res) => {
    stand.requests.push(req);
    stand.answer(res);
  });
  await new Promise<void>((resolve) => stand.server.listen(0, '127.0.0.1', resolve));
  stand.url = `http://127.0.0.1:${(stand.server.address() as AddressInfo).port}`;
  return stand;
}

beforeAll(async () => {
  amazon = await createEmulator({ port: 0 });
  misbehaving = await standIn();
  outsider = await standIn();
});
afterAll(async () => {
  await amazon.close();
  for (const { server } of [misbehaving, outsider, ...servers.map((server) => ({ server }))]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
beforeEach(() => {
  clock = { now: Date.parse('2026-12-01T09:00:00Z') };
  amazon.reset();
  amazon.setTimeZone(DEVICE, DEFAULT_TIME_ZONE);
  misbehaving.requests.length = 0;
  outsider.requests.length = 0;
});

/** The test skill behind its webhook, on the plugin's clock, the emulator and the misbehaving stand-in allowed. */
async function skill(plugin: Partial<ProactiveEventsOptions> = {}) {
  const settings = testSettings();
  settings.sending.allowedOrigins = [amazon.url, misbehaving.url];
  const app = createApp(settings, { plugin: { now: () => clock.now, ...plugin } });
  app.setHandler({
    ...handlers,
    WhatTimeIntent(this: Jovo) {
      this.tell(`Your time zone is ${this.$proactiveEvents!.state?.timeZone ?? 'unknown'}.`);
    },
  });
  const server = await listen(createWebhook(app, { ...gateOptions(settings), log: () => undefined }), 0, '127.0.0.1');
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const proactive = app.$plugins.get('ProactiveEvents') as ProactiveEvents;
  return {
    /** A new user of the skill. */
    user() {
      const userId = `amzn1.ask.account.ZONE-${++users}`;
      /** What Alexa says to the request (nothing, to a skill event). */
      const post = async (request: object) => {
        const response = await fetch(url, { method: 'POST', body: JSON.stringify(request) });
        expect(response.status).toBe(200);
        const { outputSpeech } = ((await response.json()) as { response: { outputSpeech?: { ssml: string } } }).response;
        return outputSpeech?.ssml.replace(/<\/?speak>/g, '');
      };
      return {
        userId,
        launch: (apiEndpoint = amazon.url, deviceId: string | null = DEVICE) => post(launchRequest({ userId, apiEndpoint, deviceId: deviceId ?? undefined })),
        intent: (intent: string, apiEndpoint = amazon.url) => post(intentRequest({ userId, intent, apiEndpoint, deviceId: DEVICE })),
        post,
        stored: () => proactive.readSubscriber(userId),
      };
    },
  };
}

/** The Settings API reads the emulator answered. */
const zoneReads = () => amazon.received.filter((request) => request.path === `/v2/devices/${DEVICE}/settings/System.timeZone`);

it('reads the zone of a user who has not subscribed at their LaunchRequest, and keeps it with them', async () => {
  amazon.setTimeZone(DEVICE, 'Europe/Berlin');
  const user = (await skill()).user();
  await expect(user.launch()).resolves.toBe('Welcome to the test skill.');
  await expect(user.stored()).resolves.toEqual({
    userId: user.userId,
    apiEndpoint: amazon.url,
    locale: 'en-US',
    timeZone: 'Europe/Berlin',
    timeZoneReadAt: '2026-12-01T09:00:00.000Z',
  });
  expect(zoneReads()).toEqual([expect.objectContaining({ method: 'GET', status: 200 })]);
});

it('reads it before the handler runs, at an IntentRequest as at a launch', async () => {
  amazon.setTimeZone(DEVICE, 'Asia/Tokyo');
  const user = (await skill()).user();
  await expect(user.intent('WhatTimeIntent')).resolves.toBe('Your time zone is Asia/Tokyo.');
});

it('does not read it again within a day, and reads it again once a day has passed', async () => {
  const user = (await skill()).user();
  await user.launch();
  clock.now += DAY - 1;
  await user.launch();
  await user.intent('WhatTimeIntent');
  expect(zoneReads()).toHaveLength(1);
  clock.now += 1;
  await user.launch();
  expect(zoneReads()).toHaveLength(2);
  await expect(user.stored()).resolves.toMatchObject({ timeZone: 'America/Los_Angeles', timeZoneReadAt: new Date(clock.now).toISOString() });
});

it('follows a user whose device moved to another zone, at their first request a day later', async () => {
  amazon.setTimeZone(DEVICE, 'Europe/Berlin');
  const user = (await skill()).user();
  await user.launch();
  amazon.setTimeZone(DEVICE, 'America/New_York');
  clock.now += 3_600_000;
  await user.launch();
  await expect(user.stored()).resolves.toMatchObject({ timeZone: 'Europe/Berlin' });
  clock.now += DAY;
  await expect(user.intent('WhatTimeIntent')).resolves.toBe('Your time zone is America/New_York.');
  await expect(user.stored()).resolves.toMatchObject({ timeZone: 'America/New_York' });
});

it('keeps no zone for a device that has none (204), only when it read, so that it asks again a day later', async () => {
  amazon.setTimeZone(DEVICE, null);
  const user = (await skill()).user();
  await user.launch();
  const stored = await user.stored();
  expect(stored).toMatchObject({ timeZoneReadAt: '2026-12-01T09:00:00.000Z' });
  expect(stored).not.toHaveProperty('timeZone');
  await user.launch();
  expect(zoneReads()).toHaveLength(1);
});

it('reads nothing at a skill event, or at a request without a device', async () => {
  const user = (await skill()).user();
  await user.post(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: new Date(clock.now).toISOString(), apiEndpoint: amazon.url, deviceId: DEVICE }));
  await user.launch(amazon.url, null);
  expect(zoneReads()).toEqual([]);
  await expect(user.stored()).resolves.not.toHaveProperty('timeZoneReadAt');
});

/** The Settings API that never answers: the one case the skill's time limit decides, kept short to keep the test short. */
const NO_ANSWER = () => undefined;

const misbehaviours: Array<[string, (res: ServerResponse) => void, RegExp]> = [
  ['a 403', (res) => res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'INVALID_TOKEN', message: 'Token is invalid' })), /\(HTTP 403 "INVALID_TOKEN"\)/],
  ['a 429', (res) => res.writeHead(429).end(), /\(HTTP 429\)/],
  ['a 503', (res) => res.writeHead(503).end(), /\(HTTP 503\)/],
  ['no answer in time', NO_ANSWER, /\(ETIMEDOUT \(no answer within 50 ms\)\)/],
  ['a closed connection', (res) => res.socket?.destroy(), /\(ECONNRESET\)/],
  ['an answer that is no zone', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ timeZone: API_ACCESS_TOKEN })), /the answer is no time zone: "\{\\"timeZone\\":\\"<the access token>\\"\}"/],
  ['a zone no one knows', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('"Mars/Olympus_Mons"'), /the answer is no time zone: "Mars\/Olympus_Mons"/],
];

it.each(misbehaviours)('answers the request after %s from the Settings API, stores nothing of the zone, and warns once without the token', async (_, answer, why) => {
  misbehaving.answer = answer;
  // The others answer at once, but a busy machine may take longer than 50 ms to: their time limit leaves them room.
  const user = (await skill({ timeZoneTimeoutMs: answer === NO_ANSWER ? 50 : 5000 })).user();
  const lines = await warnings(async () => expect(user.launch(misbehaving.url)).resolves.toBe('Welcome to the test skill.'));
  expect(misbehaving.requests.map((request) => [request.method, request.url, request.headers.authorization])).toEqual([
    ['GET', `/v2/devices/${DEVICE}/settings/System.timeZone`, `Bearer ${API_ACCESS_TOKEN}`],
  ]);
  expect(lines).toEqual([expect.stringMatching(/^ProactiveEvents: the time zone of this user's device was not read from http:\/\/127\.0\.0\.1:\d+ /)]);
  expect(lines[0]).toMatch(why);
  expect(lines[0]).not.toContain(API_ACCESS_TOKEN);
  const stored = await user.stored();
  expect(stored).toMatchObject({ apiEndpoint: misbehaving.url });
  expect(stored).not.toHaveProperty('timeZoneReadAt');
  expect(stored).not.toHaveProperty('timeZone');
});

it("never sends the request's token to an apiEndpoint outside the allowed origins", async () => {
  const user = (await skill()).user();
  await expect(user.launch(outsider.url)).resolves.toBe('Welcome to the test skill.');
  expect(outsider.requests).toEqual([]);
  await expect(user.stored()).resolves.toEqual({ userId: user.userId, locale: 'en-US' });
});

it('refuses a timeout Alexa would not wait for, naming the option', () => {
  expect(() => new ProactiveEvents({ events: [WEATHER], timeZoneTimeoutMs: 8000 })).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringContaining('timeZoneTimeoutMs: expected a whole number of milliseconds from 1 to 7999 (Alexa waits 8000 ms for the whole answer) (given 8000)') }),
  );
});
