import { request } from 'http';
import { connect, type AddressInfo } from 'net';
import { ProactiveEventsSender, TokenClient, type SendRecord } from 'alexa-proactive-events';
import { triggerRequest, type TriggerData } from 'alexa-proactive-events/trigger';
import { eventFromInputs } from 'alexa-proactive-events/internal';
import express from 'express';
import type { App, Jovo } from 'jovo-framework';
import { Log } from 'jovo-core';
import { createWebhook, listen } from '../src/doors/webhook';
import { pipelineReason } from '../src/doors/triggerPath';
import { audienceOf, createApp, gateOptions, handlers, lambdaFor } from './helpers/app';
import { TRIGGER_SECRET, skillSettings, useEmulator } from './helpers/pipeline';
import { warnings } from './helpers/logs';

const WEATHER = eventFromInputs('AMAZON.WeatherAlert.Activated', { 'alert-type': 'TORNADO', source: 'Weather Knows' });
const USERS = ['amzn1.ask.account.PATH-A', 'amzn1.ask.account.PATH-B'];

const { emulator: amazon, servers } = useEmulator();

/** A test skill whose send records are kept; `change` makes it a fork (a hook, a handler of its own). */
async function skill(change: (app: App) => void = () => undefined) {
  const settings = skillSettings([amazon()]);
  const records: SendRecord[] = [];
  const { credentials, tokenUrl, allowedOrigins, stage } = settings.sending;
  const tokens = new TokenClient({ ...credentials!, tokenUrl });
  const sender = new ProactiveEventsSender({ tokens, allowedOrigins, stage, publishedEvents: settings.app.events, onSend: (record) => records.push(record) });
  const app = createApp(settings, { plugin: { sender } });
  change(app);
  const server = await listen(createWebhook(app, { ...gateOptions(settings), log: () => undefined }), 0, '127.0.0.1');
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  /** Posts a trigger signed for this skill; the answer's status, headers that do not vary, and body. */
  const post = async (data: Partial<TriggerData>, body = triggerBody(data)) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, type: response.headers.get('content-type'), json: (await response.json()) as Record<string, unknown> };
  };
  const triggerBody = (data: Partial<TriggerData>) =>
    triggerRequest({ skillId: audienceOf(settings).skillId, intent: 'WeatherAlertIntent', data: { ...WEATHER, stage: 'development', explicitEndpoint: false, ...data } as TriggerData, apiEndpoint: amazon().url, locale: 'en-US', secret: TRIGGER_SECRET });
  return { app, settings, post, triggerBody, records };
}

/** A no-op hook: the census sees it, so the app's triggers take Jovo's whole pipeline, and nothing else changes. */
const throughJovo = (app: App) => app.hook('response', () => undefined);

/** What differs between two runs of the same trigger: the request ids (Amazon's, the trigger's), the reference ids, times. */
function normalized(value: unknown, referenceId: string): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replaceAll(referenceId, 'REFERENCE')
      .replace(/"(requestId|amazonRequestId)":"[^"]+"/g, '"$1":"…"')
      .replace(/request trigger\.[0-9a-f-]+/g, 'request trigger.…')
      .replace(/"(latencyMs|ms)":[\d.]+/g, '"$1":0'),
  );
}

describe('a trigger answered at the door', () => {
  it('is answered at the door in the template-like app, and through Jovo once the app has a hook', async () => {
    const fast = await skill();
    const slow = await skill(throughJovo);
    expect(pipelineReason(fast.app, 'WeatherAlertIntent', { writableFiles: true })).toBeUndefined();
    expect(pipelineReason(slow.app, 'WeatherAlertIntent', { writableFiles: true })).toBe("middleware 'response' has 2 functions, where Jovo, Alexa and this plugin register 1");
  });

  it.each([
    ['a Multicast', { explicitEndpoint: true }, 0],
    ['Unicasts to users with no region stored (sent with a warning)', { users: USERS }, 1],
    ['a check', { check: true, explicitEndpoint: true }, 0],
    ['a trigger to every subscriber', { toSubscribers: true }, 0],
  ] as Array<[string, Partial<TriggerData>, number]>)('gives %s the answer, send records and log lines of the whole pipeline', async (_, data, logLines) => {
    const fast = await skill();
    const slow = await skill(throughJovo);
    const run = async (side: Awaited<ReturnType<typeof skill>>, referenceId: string) => {
      let answer: unknown;
      const lines = await warnings(async () => (answer = await side.post({ ...data, referenceId })));
      return normalized({ answer, lines, records: side.records }, referenceId) as { answer: { status: number }; lines: string[] };
    };
    const atTheDoor = await run(fast, 'path-fast');
    expect(atTheDoor).toEqual(await run(slow, 'path-slow'));
    expect(atTheDoor.answer.status).toBe(200);
    expect(atTheDoor.lines).toHaveLength(logLines);
  });

  it('refuses a trigger used before, as the pipeline does', async () => {
    const fast = await skill();
    const slow = await skill(throughJovo);
    const twice = async (side: Awaited<ReturnType<typeof skill>>, referenceId: string) => {
      const body = side.triggerBody({ referenceId, explicitEndpoint: true });
      await side.post({}, body);
      return normalized(await side.post({}, body), referenceId);
    };
    const atTheDoor = await twice(fast, 'replay-fast');
    expect(atTheDoor).toEqual(await twice(slow, 'replay-slow'));
    expect(JSON.stringify(atTheDoor)).toContain('Trigger refused');
  });

  it('answers 500 and logs the error as Jovo does when the trigger fails unexpectedly', async () => {
    const broken = (app: App) => {
      const plugin = app.$plugins.get('ProactiveEvents') as unknown as { replays(): unknown };
      plugin.replays = () => {
        throw new Error('the replay store is down');
      };
    };
    const run = async (side: Awaited<ReturnType<typeof skill>>) => {
      const errors: string[] = [];
      const error = jest.spyOn(Log, 'error').mockImplementation((line?: unknown) => (errors.push(String(line ?? '')), Log));
      try {
        return { answer: await side.post({ referenceId: 'broken', explicitEndpoint: true }), errors };
      } finally {
        error.mockRestore();
      }
    };
    const atTheDoor = await run(await skill(broken));
    const throughThePipeline = await run(await skill((app) => (broken(app), throughJovo(app))));
    expect(atTheDoor.answer).toEqual(throughThePipeline.answer);
    expect(atTheDoor.answer).toMatchObject({ status: 500, json: { error: { code: 'INTERNAL' } } });
    expect(atTheDoor.errors).toContain('the replay store is down');
    expect(throughThePipeline.errors).toContain('the replay store is down');
  });
});

/** Posts `body` to `url`, in chunks when told (then Express reads it); the status, the headers that do not vary, the body. */
function postRaw(url: string, body: string, { chunked = false } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': Buffer.byteLength(body) }) };
    const sent = request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        const { date: _date, ...rest } = response.headers;
        resolve({ status: response.statusCode!, headers: rest, body: text });
      });
    });
    sent.on('error', reject);
    if (chunked) for (let i = 0; i < body.length; i += 100) sent.write(body.slice(i, i + 100));
    sent.end(chunked ? undefined : body);
  });
}

describe('a trigger read before Express', () => {
  it('gets the answer Express gives, headers and all, refused or answered', async () => {
    const fast = await skill();
    const url = `http://127.0.0.1:${(servers.at(-1)!.address() as AddressInfo).port}/webhook`;
    const forged = JSON.stringify({ ...fast.triggerBody({ referenceId: 'forged' }), trigger: { data: {}, signature: 'v3.00' } });
    const refusedShort = await postRaw(url, forged);
    expect(refusedShort).toEqual(await postRaw(url, forged, { chunked: true }));
    expect(refusedShort).toMatchObject({ status: 403, headers: { etag: expect.stringMatching(/^W\//), 'content-type': 'application/json; charset=utf-8' } });
    const answer = async (referenceId: string, chunked: boolean) => {
      const { headers, body, status } = await postRaw(url, JSON.stringify(fast.triggerBody({ referenceId, explicitEndpoint: true })), { chunked });
      const { etag, 'content-length': _length, ...rest } = headers;
      return { status, headers: rest, etag: typeof etag, body: normalized(JSON.parse(body), referenceId) };
    };
    const answered = await answer('short-way', false);
    expect(answered).toEqual(await answer('through-express', true));
    expect(answered).toMatchObject({ status: 200, etag: 'string', body: { proactiveEvents: [{ status: 'accepted' }] } });
  });

  it('goes on serving after a body cut short', async () => {
    const fast = await skill();
    const { port } = servers.at(-1)!.address() as AddressInfo;
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"version":');
        // Half-closed: the body ends 989 bytes short, and the socket still reads the answer.
        socket.end();
      });
      socket.allowHalfOpen = true;
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    // Node's HTTP server answers a body cut short by the end of its connection, before the webhook reads it.
    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    const { status, json } = await fast.post({ referenceId: 'after-cut', explicitEndpoint: true });
    expect({ status, json }).toMatchObject({ status: 200, json: { proactiveEvents: [{ status: 'accepted' }] } });
  });

  it('answers a request whose body was read before it (behind an app with a body parser), as it did before the short way', async () => {
    const { app, settings, triggerBody } = await skill();
    // A skill's own Express app that parses JSON for its other routes, with the webhook mounted behind it.
    const outer = express();
    outer.use(express.json());
    outer.use(createWebhook(app, { ...gateOptions(settings), log: () => undefined }));
    const server = await listen(outer, 0, '127.0.0.1');
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
    const { status, body } = await postRaw(url, JSON.stringify(triggerBody({ referenceId: 'read-before', explicitEndpoint: true })));
    // The body parser took the bytes: the webhook answers that it has none it can read, rather than wait for them.
    expect({ status, body: JSON.parse(body) }).toEqual({ status: 400, body: { error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' } } });
  });
});

describe('a trigger answered at the Lambda entry', () => {
  it.each([
    ['a function URL', (body: string) => ({ requestContext: { http: { method: 'POST', path: '/' } }, headers: { 'content-type': 'application/json' }, body, isBase64Encoded: false })],
    ['a direct invocation', (body: string) => JSON.parse(body) as object],
  ])('gives a trigger through %s the answer and send records of the whole pipeline', async (through, event) => {
    const run = async (side: Awaited<ReturnType<typeof skill>>, referenceId: string) => {
      const handler = lambdaFor(side.settings, { app: side.app });
      const answer = (await handler(event(JSON.stringify(side.triggerBody({ referenceId, users: USERS }))), {})) as { body?: string };
      // An HTTP event's answer carries the response as JSON text: compared parsed, with its ids normalized.
      const parsed = typeof answer.body === 'string' ? { ...answer, body: JSON.parse(answer.body) as unknown } : answer;
      return normalized({ answer: parsed, records: side.records }, referenceId);
    };
    // On Lambda a database of files is off (the pipeline warns of it): these skills' database is told it needs none.
    const filesFree = (app: App) => void ((app.$db as { needsWriteFileAccess?: boolean }).needsWriteFileAccess = false);
    const fast = await skill(filesFree);
    expect(pipelineReason(fast.app, 'WeatherAlertIntent', { writableFiles: false })).toBeUndefined();
    const atTheDoor = await run(fast, `lambda-fast ${through}`);
    expect(atTheDoor).toEqual(await run(await skill((app) => (filesFree(app), throughJovo(app))), `lambda-slow ${through}`));
    expect(JSON.stringify(atTheDoor)).toContain('2 accepted');
  });
});

describe("a fork's pipeline", () => {
  it("calls the fork's own handler of a hidden intent", async () => {
    const called: string[] = [];
    const fork = await skill((app) =>
      app.setHandler({
        ...handlers,
        WeatherAlertIntent(this: Jovo) {
          called.push(this.$request!.getIntentName()!);
          this.tell('Sent my way.');
        },
      }),
    );
    expect(pipelineReason(fork.app, 'WeatherAlertIntent', { writableFiles: true })).toBe('the app has its own handler for WeatherAlertIntent');
    const { json } = await fork.post({ referenceId: 'fork-handler', explicitEndpoint: true });
    expect(called).toEqual(['WeatherAlertIntent']);
    expect(json).toMatchObject({ response: { outputSpeech: { ssml: '<speak>Sent my way.</speak>' } } });
  });

  it("lets a fork's hook see the trigger", async () => {
    const seen: string[] = [];
    const fork = await skill((app) => app.hook('response', (_error: Error, _host: unknown, jovo: Jovo) => void seen.push(jovo.$request!.getIntentName()!)));
    const { json } = await fork.post({ referenceId: 'fork-hook', explicitEndpoint: true });
    expect(seen).toEqual(['WeatherAlertIntent']);
    expect(json).toMatchObject({ proactiveEvents: [{ status: 'accepted' }] });
  });

  it.each([
    ['a listener', (app: App) => void app.on('after.response', () => undefined), "event 'after.response' has 2 functions, where Jovo, Alexa and this plugin register 1"],
    ['a plugin of its own', (app: App) => void app.use({ name: 'Analytics', install: () => undefined } as never), 'the app uses the plugin Analytics'],
    ['an ON_REQUEST handler', (app: App) => void app.setHandler({ ...handlers, ON_REQUEST() {} }), 'the app has a ON_REQUEST handler'],
    ['a NEW_SESSION handler', (app: App) => void app.setHandler({ ...handlers, NEW_SESSION() {} }), 'the app has a NEW_SESSION handler'],
    ['an intentMap entry', (app: App) => void (app.config.intentMap = { WeatherAlertIntent: 'LAUNCH' }), "the app's intentMap maps WeatherAlertIntent"],
    ['request logging', (app: App) => void ((app.config.plugin as Record<string, object>).BasicLogging = { request: true }), 'Jovo logs each request or response'],
    ['a middleware function on the Alexa platform', (app: App) => void (app.$platform.get('Alexa') as unknown as App).middleware('$output')!.use(() => undefined), "Alexa's middleware '$output' has 12 functions, where Jovo, Alexa and this plugin register 11"],
  ])('takes the whole pipeline for an app with %s', async (_, change, reason) => {
    const fork = await skill(change);
    expect(pipelineReason(fork.app, 'WeatherAlertIntent', { writableFiles: true })).toBe(reason);
  });

  it('takes the whole pipeline on a host that cannot write the files its database needs', async () => {
    const { app } = await skill();
    (app.$db as { needsWriteFileAccess?: boolean }).needsWriteFileAccess = true;
    expect(pipelineReason(app, 'WeatherAlertIntent', { writableFiles: false })).toBe('the database needs files this host cannot write (the plugin warns of it)');
      });
});
