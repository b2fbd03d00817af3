import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { isProactiveEventsError } from 'alexa-proactive-events';
import { triggerRequest, type TriggerData } from 'alexa-proactive-events/trigger';
import { eventFromInputs } from 'alexa-proactive-events/internal';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { RefusedError, createLambdaHandler, type HttpResponse, type LambdaHandler, type LambdaOptions } from '../src';
import { isRefusalCode } from '../src/doors/envelope';
import { lambdaFor, testSettings } from './helpers/app';
import { TRIGGER_SECRET, eventRequests, trigger } from './helpers/pipeline';
import { APPLICATION_ID, launchRequest } from './helpers/requests';

/** The Lambda entry, invoked in-process as AWS Lambda would, with the emulator as Amazon. */
let amazon: Emulator;
let handler: LambdaHandler;

/** A new container: the skill's settings, sending to the emulator. */
function container(telemetry?: LambdaOptions['telemetry']): LambdaHandler {
  const settings = testSettings();
  settings.sending = { credentials: { clientId: 'id', clientSecret: 'secret' }, tokenUrl: `${amazon.url}/auth/o2/token`, allowedOrigins: [amazon.url], stage: 'development' };
  settings.triggerSecret = TRIGGER_SECRET;
  settings.alexa = { verifyRequests: true, skillId: APPLICATION_ID };
  return lambdaFor(settings, { telemetry });
}

beforeAll(async () => {
  amazon = await createEmulator({ port: 0 });
  handler = container();
});
afterAll(() => amazon.close());
afterEach(() => amazon.reset());

let n = 0;
function signedTrigger(): object {
  const data: TriggerData = { ...eventFromInputs('AMAZON.WeatherAlert.Activated', { 'alert-type': 'TORNADO', source: 'Weather Knows' }), referenceId: `lambda-${n++}`, stage: 'development' as const, explicitEndpoint: true };
  return triggerRequest({ skillId: APPLICATION_ID, intent: 'WeatherAlertIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET });
}

it('will not be made without the skill id, which every trigger and every Alexa invocation is checked against', () => {
  expect(() => createLambdaHandler({ app: () => null as never, gate: {} })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringContaining('gate.skillId: required (SKILL_ID)') }));
});

/** API Gateway REST API, payload format 1.0. */
function apiGatewayV1(body: string): object {
  return {
    resource: '/webhook',
    path: '/webhook',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', 'jovo-test': 'true' },
    multiValueHeaders: { 'Content-Type': ['application/json'] },
    requestContext: { stage: 'prod', httpMethod: 'POST', path: '/prod/webhook' },
    body,
    isBase64Encoded: false,
  };
}

/** HTTP API or Lambda function URL, payload format 2.0; function URLs may base64-encode the body. */
function functionUrlV2(body: string, base64 = true): object {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/' } },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  };
}

async function httpResult(event: object): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const response = (await handler(event, {})) as HttpResponse;
  return { statusCode: response.statusCode, body: JSON.parse(response.body) };
}

it("answers Alexa's own invocation", async () => {
  const response = (await handler(launchRequest({ userId: 'amzn1.ask.account.LAMBDA' }), {})) as { response: { outputSpeech: { ssml: string } } };
  expect(response.response.outputSpeech.ssml).toMatch(/^<speak>Welcome to the test skill\./);
});

it("refuses Alexa's invocation for another skill than SKILL_ID, before the app runs", async () => {
  const other = launchRequest({ userId: 'amzn1.ask.account.LAMBDA', applicationId: 'amzn1.ask.skill.99999999-9999-9999-9999-999999999999' });
  await expect(handler(other, {})).rejects.toThrow(/^Refused: WRONG_SKILL: The request is for the skill "amzn1\.ask\.skill\.9{8}-/);
  await expect(new Promise((resolve, reject) => void handler(other, {}, (error, result) => (error ? reject(error) : resolve(result))))).rejects.toThrow(/WRONG_SKILL/);
});

it('fails a refused invocation with a RefusedError, one of the library\'s errors, whose refusal has a code of the doors\' list', async () => {
  const other = launchRequest({ userId: 'amzn1.ask.account.LAMBDA', applicationId: 'amzn1.ask.skill.99999999-9999-9999-9999-999999999999' });
  const error: unknown = await handler(other, {}).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(RefusedError);
  expect(error).toMatchObject({ name: 'RefusedError', code: 'ERR_REFUSED', refusal: { status: 403, code: 'WRONG_SKILL' } });
  expect(isProactiveEventsError(error, 'ERR_REFUSED')).toBe(true);
  expect(isRefusalCode((error as RefusedError).refusal.code)).toBe(true);
  expect([isRefusalCode('INTERNAL'), isRefusalCode('wrong_skill'), isRefusalCode(403)]).toEqual([false, false, false]);
});

it('refuses an invocation with a "__proto__" field, before the app runs', async () => {
  const launch = JSON.parse(`{"__proto__":{},${JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.PROTO', applicationId: APPLICATION_ID })).slice(1)}`);
  await expect(handler(launch, {})).rejects.toThrow('Refused: BAD_FIELD: The request body has a "__proto__" field, which no Alexa request or trigger has');
});

it.each([
  ['inside the request', (launch: string) => launch.replace('"request":{', '"request":{"__proto__":{"getApiEndpoint":1},')],
  ['in an object inside a list of the context', (launch: string) => launch.replace('"System":{', '"System":{"list":[{"ok":1},[{"\\u005f_proto__":{}}]],')],
])('refuses an invocation with a "__proto__" field %s, before the app runs', async (_, spell) => {
  // Lambda's runtime parses the event as JSON.parse does: the field is the object's own, not its prototype.
  const event = JSON.parse(spell(JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.PROTO', applicationId: APPLICATION_ID }))));
  await expect(handler(event, {})).rejects.toThrow('Refused: BAD_FIELD: The request body has a "__proto__" field, which no Alexa request or trigger has');
});

it('refuses a trigger whose body spells "__proto__" with an escape, through a function URL', async () => {
  const body = `{"\\u005f_proto__":{},${JSON.stringify(signedTrigger()).slice(1)}`;
  const { statusCode, body: json } = await httpResult(functionUrlV2(body));
  expect(statusCode).toBe(403);
  expect(json).toEqual({ error: { code: 'BAD_FIELD', message: 'The request body has a "__proto__" field, which no Alexa request or trigger has' } });
  expect(eventRequests(amazon)).toEqual([]);
});

it("tells its telemetry of each invocation's start and end, a refused one too, and answers alike when the telemetry throws", async () => {
  const told: string[] = [];
  const telling = container({ start: (context) => void told.push(`start ${(context as { awsRequestId: string }).awsRequestId}`), flush: () => void told.push('flush') });
  await telling(launchRequest({ userId: 'amzn1.ask.account.LAMBDA' }), { awsRequestId: 'one' });
  await expect(telling(launchRequest({ userId: 'amzn1.ask.account.LAMBDA', applicationId: 'amzn1.ask.skill.99999999-9999-9999-9999-999999999999' }), { awsRequestId: 'two' })).rejects.toThrow(/WRONG_SKILL/);
  expect(told).toEqual(['start one', 'flush', 'start two', 'flush']);
  const broken = container({ start: () => { throw new Error('no logger'); }, flush: () => { throw new Error('no stdout'); } });
  await expect(broken(launchRequest({ userId: 'amzn1.ask.account.LAMBDA' }), {})).resolves.toMatchObject({ version: '1.0' });
  await expect(broken(launchRequest({ userId: 'amzn1.ask.account.LAMBDA', applicationId: 'amzn1.ask.skill.99999999-9999-9999-9999-999999999999' }), {})).rejects.toThrow(/WRONG_SKILL/);
});

it('answers through the callback too, when Lambda passes one', async () => {
  const result = await new Promise((resolve) => void handler(launchRequest({ userId: 'amzn1.ask.account.LAMBDA' }), {}, (_error, response) => resolve(response)));
  expect(result).toMatchObject({ version: '1.0' });
});

it.each([
  ['API Gateway (payload 1.0)', (body: string) => apiGatewayV1(body)],
  ['a function URL (payload 2.0, base64)', (body: string) => functionUrlV2(body)],
  ['an HTTP API (payload 2.0)', (body: string) => functionUrlV2(body, false)],
])('sends the event of a signed trigger arriving through %s', async (_, event) => {
  const { statusCode, body } = await httpResult(event(JSON.stringify(signedTrigger())));
  expect(statusCode).toBe(200);
  expect(body.proactiveEvents).toEqual([expect.objectContaining({ status: 'accepted', httpStatus: 202 })]);
  expect(amazon.accepted).toHaveLength(1);
});

it('asks for an access token once per container, however many invocations it serves', async () => {
  for (const lambda of [container(), container()]) {
    for (let i = 0; i < 3; i++) {
      const response = (await lambda(functionUrlV2(JSON.stringify(signedTrigger())), {})) as HttpResponse;
      expect(JSON.parse(response.body).proactiveEvents).toEqual([expect.objectContaining({ status: 'accepted' })]);
    }
  }
  expect(amazon.accepted).toHaveLength(6);
  expect(amazon.tokensIssued).toBe(2);
});

it('refuses a tampered trigger with 403, sending nothing', async () => {
  const tampered = signedTrigger() as { trigger: { data: { event: { payload: { weatherAlert: { alertType: string } } } } } };
  tampered.trigger.data.event.payload.weatherAlert.alertType = 'HURRICANE';
  const { statusCode, body } = await httpResult(functionUrlV2(JSON.stringify(tampered)));
  expect(statusCode).toBe(403);
  expect(body).toEqual({ error: { code: 'TRIGGER_REFUSED', message: expect.stringMatching(/^Trigger refused: the signature does not match/) } });
  expect(eventRequests(amazon)).toEqual([]);
});

it.each([
  ['not JSON', '{ "version": ', 403, 'INVALID_JSON'],
  ['an Alexa request, which Alexa sends by invoking the function', JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.LAMBDA' })), 403, 'TRIGGERS_ONLY'],
  ['not an Alexa request', JSON.stringify({ hello: 'world' }), 403, 'TRIGGERS_ONLY'],
  ['too large', JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }), 403, 'BODY_TOO_LARGE'],
])('answers an HTTP body that is %s with 403 and a JSON error saying why', async (_, body, status, code) => {
  const { statusCode, body: json } = await httpResult(apiGatewayV1(body));
  expect(statusCode).toBe(status);
  expect(json).toMatchObject({ error: { code } });
});

it.each([
  ['without a body', (event: Record<string, unknown>) => delete event.body],
  ['without headers or a body', (event: Record<string, unknown>) => (delete event.body, delete event.headers)],
  ['with an empty body', (event: Record<string, unknown>) => (event.body = '')],
])('answers a function-URL event %s with 403: the door is chosen by where an event comes from', async (_, strip) => {
  const event = functionUrlV2('{}') as Record<string, unknown>;
  strip(event);
  const { statusCode, body } = await httpResult(event);
  expect(statusCode).toBe(403);
  expect(body).toMatchObject({ error: { code: 'INVALID_JSON' } });
  expect(eventRequests(amazon)).toEqual([]);
});

it("takes the trigger script's --endpoint unchanged, as with a function URL", async () => {
  // A stand-in for a Lambda function URL: each HTTP request becomes a payload 2.0 event for the handler.
  const functionUrl: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const result = (await handler(functionUrlV2(Buffer.concat(chunks).toString('utf8')), {})) as HttpResponse;
      res.writeHead(result.statusCode, result.headers).end(result.body);
    });
  });
  await new Promise<void>((resolve) => functionUrl.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(functionUrl.address() as AddressInfo).port}/`;
    const run = await trigger(url, 'weather', '--alert-type', 'SNOW_STORM', '--api-endpoint', amazon.url, '--skill-id', APPLICATION_ID, '--json');
    expect(run.status).toBe(0);
    expect(run.json()).toEqual([expect.objectContaining({ status: 'accepted' })]);
  } finally {
    functionUrl.close();
  }
});
