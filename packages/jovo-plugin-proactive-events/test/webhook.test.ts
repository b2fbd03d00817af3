import * as fs from 'fs';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { readSubscriber } from '../src';
import { createWebhook, listen } from '../src/doors/webhook';
import { createApp, gateOptions, testSettings } from './helpers/app';
import { launchRequest, subscriptionChanged } from './helpers/requests';

const settings = testSettings();
const app = createApp(settings);
let server: Server;
let url: string;

beforeAll(async () => {
  server = await listen(createWebhook(app, { ...gateOptions(settings), log: () => undefined }), 0, '127.0.0.1');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

interface ErrorBody {
  error: { code: string; message: string };
}
interface AlexaBody {
  response: { outputSpeech: { ssml: string }; shouldEndSession?: boolean };
}

function post(body: string | object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

it('answers a LaunchRequest over HTTP', async () => {
  const response = await post(launchRequest({ userId: 'amzn1.ask.account.http-launch' }));
  expect(response.status).toBe(200);
  const json = (await response.json()) as AlexaBody;
  expect(json.response.outputSpeech.ssml).toMatch(/^<speak>Welcome to the test skill\./);
  expect(json.response.shouldEndSession).toBe(false);
});

it('answers malformed JSON with a 400 and keeps serving', async () => {
  const bad = await post('{"version": "1.0", "request": ');
  expect(bad.status).toBe(400);
  await expect(bad.json()).resolves.toEqual({ error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' } });
  const next = await post(launchRequest({ userId: 'amzn1.ask.account.after-bad-json' }));
  expect(next.status).toBe(200);
});

it('answers JSON that is not an Alexa request with a 400 naming the missing field', async () => {
  const response = await post({ version: '1.0', request: { type: 'LaunchRequest', requestId: 'r' } });
  expect(response.status).toBe(400);
  const json = (await response.json()) as ErrorBody;
  expect(json.error.code).toBe('NOT_ALEXA_REQUEST');
  expect(json.error.message).toContain('context');
});

it.each([
  ['a line break in it', 'en\nUS', '"en\\nUS"'],
  ['a terminal sequence and a C1 control in it', 'en-US\u001b[2J\u0085', '"en-US\\u001b[2J\\u0085"'],
  ['a language alone', 'en', '"en"'],
  ['a number', 1, '1'],
])('refuses a request whose locale has %s with a 400 naming the field, what is allowed and the value escaped', async (_, locale, shown) => {
  const launch = launchRequest({ userId: 'amzn1.ask.account.bad-locale' }) as { request: Record<string, unknown> };
  launch.request.locale = locale;
  const response = await post(launch);
  expect(response.status).toBe(400);
  await expect(response.json()).resolves.toEqual({
    error: { code: 'NOT_ALEXA_REQUEST', message: `Not an Alexa request: request.locale: ${typeof locale === 'string' ? 'expected a locale like "en-US": two lower-case letters, a hyphen, two upper-case letters' : 'expected a string'} (given ${shown})` },
  });
  await expect(readSubscriber(app.$db, 'amzn1.ask.account.bad-locale')).resolves.toBeUndefined();
});

it('takes a request without a locale, as Amazon leaves it out of some skill events', async () => {
  const response = await post(subscriptionChanged({ userId: 'amzn1.ask.account.no-locale', events: ['AMAZON.WeatherAlert.Activated'] }));
  expect(response.status).toBe(200);
});

it('refuses a body over the size limit with a 413', async () => {
  const huge = launchRequest({ userId: 'amzn1.ask.account.huge' }) as Record<string, unknown>;
  huge.padding = 'x'.repeat(1024 * 1024 + 1);
  const response = await post(huge);
  expect(response.status).toBe(413);
  expect(((await response.json()) as ErrorBody).error.code).toBe('BODY_TOO_LARGE');
});

it('answers other routes with a 404 that names the webhook', async () => {
  const response = await fetch(url.replace('/webhook', '/'));
  expect(response.status).toBe(404);
  expect(((await response.json()) as ErrorBody).error.message).toBe('No route GET /: use POST /webhook');
});

it('stores users in the configured FileDb, whatever test header a client sends', async () => {
  // Jovo's App switches to its test database for requests with a jovo-test header; the webhook strips it.
  const userId = 'amzn1.ask.account.header-probe';
  await post(subscriptionChanged({ userId, events: ['AMAZON.WeatherAlert.Activated'] }), { 'jovo-test': 'true' });
  await post(launchRequest({ userId: 'amzn1.ask.account.second-request' }), { 'jovo-test': 'true' });
  const rows = JSON.parse(fs.readFileSync(settings.fileDbPath, 'utf8')) as Array<{ userId: string }>;
  expect(rows.map((row) => row.userId)).toEqual(expect.arrayContaining([userId, 'amzn1.ask.account.second-request']));
  await expect(readSubscriber(app.$db, userId)).resolves.toMatchObject({ subscriptions: ['AMAZON.WeatherAlert.Activated'] });
});

it('keeps every user when many subscription events arrive at once', async () => {
  // 30 at once: one address may hold 32 connections to the webhook.
  const userIds = Array.from({ length: 30 }, (_, i) => `amzn1.ask.account.concurrent-${i}`);
  const responses = await Promise.all(
    userIds.map((userId) => post(subscriptionChanged({ userId, events: ['AMAZON.OrderStatus.Updated'] }))),
  );
  expect(responses.map((r) => r.status)).toEqual(userIds.map(() => 200));
  const stored = await Promise.all(userIds.map((userId) => readSubscriber(app.$db, userId)));
  expect(stored.map((record) => record?.subscriptions)).toEqual(userIds.map(() => ['AMAZON.OrderStatus.Updated']));
});

it('refuses a body with a "__proto__" field, which would become the request\'s prototype inside Jovo', async () => {
  const launch = JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.proto' }));
  const response = await post(`{"__proto__":{},${launch.slice(1)}`);
  expect(response.status).toBe(400);
  await expect(response.json()).resolves.toEqual({ error: { code: 'BAD_FIELD', message: 'The request body has a "__proto__" field, which no Alexa request or trigger has' } });
  await expect(readSubscriber(app.$db, 'amzn1.ask.account.proto')).resolves.toBeUndefined();
});

it.each([
  ['at the top level, one underscore escaped', (launch: string) => `{"\\u005f_proto__":{},${launch.slice(1)}`],
  ['inside the request, every letter escaped', (launch: string) => launch.replace('"request":{', '"request":{"\\u005f\\u005f\\u0070\\u0072\\u006f\\u0074\\u006f\\u005f\\u005f":{"getApiEndpoint":1},')],
  ['in an object inside a list, in upper-case hex', (launch: string) => launch.replace('"request":{', '"request":{"list":[1,{"__PROTO\\u005F_":0},{"\\u005F_proto__":{}}],')],
])('refuses a "__proto__" field spelled with escapes %s, as it refuses the plain one', async (_, spell) => {
  const launch = JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.escaped-proto' }));
  const body = spell(launch);
  expect(body).not.toContain('"__proto__"');
  const response = await post(body);
  expect(response.status).toBe(400);
  await expect(response.json()).resolves.toEqual({ error: { code: 'BAD_FIELD', message: 'The request body has a "__proto__" field, which no Alexa request or trigger has' } });
  await expect(readSubscriber(app.$db, 'amzn1.ask.account.escaped-proto')).resolves.toBeUndefined();
});

it('takes a body with escapes but no "__proto__" field, as Alexa may send one', async () => {
  const launch = JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.escaped-text' }));
  const response = await post(launch.replace('"request":{', '"request":{"note":"caf\\u00e9 \\u005f_proto__",'));
  expect(response.status).toBe(200);
});
