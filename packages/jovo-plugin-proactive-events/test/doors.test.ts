import * as fs from 'fs';
import type { Server } from 'http';
import { connect, type AddressInfo, type Socket } from 'net';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { LogLevel } from 'jovo-core';
import type { Jovo } from 'jovo-framework';
import { createWebhook, listen } from '../src/doors/webhook';
import { CERT_URL, TEST_ROOT_PEM, alexaChain, alexaHeaders, download, downloads, type Signing } from './helpers/alexaSigning';
import { createApp, gateOptions, lambdaFor, testSettings } from './helpers/app';
import { close, eventRequests, startSkill, trigger } from './helpers/pipeline';
import { APPLICATION_ID, intentRequest, launchRequest, skillEnabled, subscriptionChanged } from './helpers/requests';
import { storedRows } from './helpers/stores';

/** The door trusts the test's root in place of Node's public roots, and downloads from the test's S3. */
const lab = { download, trustedRoots: [TEST_ROOT_PEM] };

/**
 * The webhook's door, as Amazon requires it of a skill on an HTTPS endpoint: every Alexa request signed by a
 * certificate that chains to a trusted root, fresh, and for this skill, checked before Jovo or the database see it.
 */
const WEATHER = 'AMAZON.WeatherAlert.Activated';
let amazon: Emulator;
let skill: { url: string; server: Server; settings: ReturnType<typeof testSettings> };
const logged: string[] = [];
let n = 0;
const user = () => `amzn1.ask.account.DOOR-${n++}`;

beforeAll(async () => {
  amazon = await createEmulator({ port: 0 });
  skill = await startSkill([amazon], (settings) => (settings.alexa = { verifyRequests: true, skillId: APPLICATION_ID }), {
    ...lab,
    log: (line) => logged.push(line),
  });
});
afterAll(() => Promise.all([amazon.close(), close(skill.server)]));

/** Posts `raw` exactly as given, signed as Alexa signs it unless told otherwise. */
async function post(raw: string, signing: Signing | 'unsigned' = {}, url = skill.url): Promise<{ status: number; json: Record<string, any> }> {
  const headers = signing === 'unsigned' ? { 'content-type': 'application/json' } : alexaHeaders(raw, signing);
  const response = await fetch(url, { method: 'POST', headers, body: raw });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

function storedUserIds(): string[] {
  if (!fs.existsSync(skill.settings.fileDbPath)) return [];
  return storedRows(skill.settings.fileDbPath).map((row) => String(row.userId));
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** `body` as Alexa sends it: its bytes, and the headers that sign them. */
function signedBody(body: object): { body: string; headers: Record<string, string> } {
  const raw = JSON.stringify(body);
  return { body: raw, headers: alexaHeaders(raw) };
}

describe("Alexa's requests at the webhook", () => {
  it('accepts a request Alexa signed, and stores its user', async () => {
    const userId = user();
    const { status, json } = await post(JSON.stringify(launchRequest({ userId })));
    expect(status).toBe(200);
    expect(json.response.outputSpeech.ssml).toMatch(/^<speak>Welcome to the test skill\./);
    expect(storedUserIds()).toContain(userId);
  });

  it('accepts a subscription change 59 minutes old: Amazon delivers skill events up to an hour late', async () => {
    const userId = user();
    const { status } = await post(JSON.stringify(subscriptionChanged({ userId, events: [WEATHER], timestamp: ago(59 * 60_000) })));
    expect(status).toBe(200);
    expect(storedUserIds()).toContain(userId);
  });

  it('takes the certificate URL in any case, as Amazon allows', async () => {
    const certUrl = CERT_URL.replace('s3.amazonaws.com', 'S3.AmazonAWS.com:443');
    expect((await post(JSON.stringify(launchRequest({ userId: user() })), { certUrl })).status).toBe(200);
  });

  it('downloads the certificate once for all the requests it signs', async () => {
    for (let i = 0; i < 3; i++) expect((await post(JSON.stringify(launchRequest({ userId: user() })))).status).toBe(200);
    expect(downloads.filter((url) => url === CERT_URL)).toHaveLength(1);
  });

  it('fetches the certificate again once it has expired, rather than trust its cached copy', async () => {
    const clock = { now: Date.now() };
    const served = { chain: alexaChain() };
    const fetched: string[] = [];
    const late = await startSkill([amazon], (settings) => (settings.alexa = { verifyRequests: true, skillId: APPLICATION_ID }), {
      ...lab,
      download: async (url) => (fetched.push(url), served.chain),
      now: () => clock.now,
      log: () => undefined,
    });
    try {
      const send = async () => {
        const answer = await fetch(late.url, { method: 'POST', ...signedBody(launchRequest({ userId: user(), timestamp: new Date(clock.now).toISOString() })) });
        return { status: answer.status, json: (await answer.json()) as Record<string, any> };
      };
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(200);
      expect(fetched).toHaveLength(1);
      clock.now += 31 * 24 * 3_600_000; // the test certificate is valid for 30 days
      // S3 still serves the old chain: fetched again and refused, not served from the cache.
      expect((await send()).json.error.message).toMatch(/^Not verified as sent by Alexa: Signing Certificate expired or not started/);
      expect(fetched).toHaveLength(2);
      clock.now += 61_000; // past the minute a failed URL is refused for
      served.chain = alexaChain({ validFrom: clock.now - 3_600_000, validTo: clock.now + 30 * 24 * 3_600_000 }); // Amazon renewed it
      expect((await send()).status).toBe(200);
      expect(fetched).toHaveLength(3);
    } finally {
      await close(late.server);
    }
  });

  it('downloads at most four certificates at once, however many URLs a flood of requests names', async () => {
    const stalled: Array<() => void> = [];
    const flood = await startSkill([amazon], (settings) => (settings.alexa = { verifyRequests: true, skillId: APPLICATION_ID }), {
      download: () => new Promise((_, reject) => stalled.push(() => reject(new Error('no answer from S3')))),
      log: () => undefined,
    });
    try {
      const answers = Array.from({ length: 6 }, (_, i) => {
        const raw = JSON.stringify(launchRequest({ userId: user() }));
        return fetch(flood.url, { method: 'POST', headers: alexaHeaders(raw, { certUrl: `https://s3.amazonaws.com/echo.api/flood-${i}.pem` }), body: raw });
      });
      const early = await Promise.all(answers.slice(4));
      expect(stalled).toHaveLength(4);
      for (const answer of early) expect(await answer.json()).toEqual({ error: { code: 'SIGNATURE_INVALID', message: 'Not verified as sent by Alexa: too many certificate downloads under way; try again' } });
      stalled.forEach((release) => release());
      expect((await Promise.all(answers.slice(0, 4))).map((answer) => answer.status)).toEqual([400, 400, 400, 400]);
    } finally {
      await close(flood.server);
    }
  });

  it('takes one S3 object as one certificate: escapes of unreserved characters decoded, a query or fragment dropped', async () => {
    expect((await post(JSON.stringify(launchRequest({ userId: user() })))).status).toBe(200);
    const before = downloads.length;
    for (const certUrl of [CERT_URL.replace('echo-api-cert', '%65cho-api-cert'), `${CERT_URL}?n=1`, `${CERT_URL}#x`, CERT_URL.replace('/echo.api/', '/echo%2Eapi/')]) {
      expect((await post(JSON.stringify(launchRequest({ userId: user() })), { certUrl })).status).toBe(200);
    }
    expect(downloads.slice(before)).toEqual([]); // all of them the certificate already cached
  });

  it('downloads ten certificates a minute at most, remembers a URL that failed, and keeps serving the cached one', async () => {
    let clock = Date.now();
    const fetched: string[] = [];
    const flood = await startSkill([amazon], (settings) => (settings.alexa = { verifyRequests: true, skillId: APPLICATION_ID }), {
      ...lab,
      download: (url) => (fetched.push(url), download(url)),
      log: () => undefined,
      now: () => clock,
    });
    const send = (certUrl: string) => post(JSON.stringify(launchRequest({ userId: user() })), { certUrl }, flood.url);
    try {
      expect((await send(CERT_URL)).status).toBe(200);
      const forged = Array.from({ length: 12 }, (_, i) => `https://s3.amazonaws.com/echo.api/forged-${i}.pem`);
      const answers = [];
      for (const url of forged) answers.push((await send(url)).json.error.message);
      expect(answers.slice(0, 9).every((message: string) => /Response status code: 404/.test(message))).toBe(true);
      expect(answers.slice(9)).toEqual(Array(3).fill('Not verified as sent by Alexa: too many certificate downloads in the last minute; try again'));
      expect((await send(CERT_URL)).status).toBe(200); // Alexa's certificate is still cached
      expect((await send(forged[0])).json.error.message).toBe(`Not verified as sent by Alexa: the certificate at ${forged[0]} failed to load or verify within the last minute`);
      expect(fetched.filter((url) => url === forged[0])).toHaveLength(1);
      clock += 61_000;
      expect((await send(forged[11])).json.error.message).toMatch(/Response status code: 404/); // the budget is back
      expect(fetched).toHaveLength(11);
    } finally {
      await close(flood.server);
    }
  });

  describe('refuses, storing nothing,', () => {
    let userId: string;
    beforeEach(() => (userId = user()));
    afterEach(() => expect(storedUserIds()).not.toContain(userId));

    const refused = async (raw: string, signing: Signing | 'unsigned', status: number, code: string, message: RegExp) => {
      const before = downloads.length;
      const answer = await post(raw, signing);
      expect(answer).toEqual({ status, json: { error: { code, message: expect.stringMatching(message) } } });
      return downloads.slice(before);
    };

    it('a request with one byte changed after signing', async () => {
      const raw = JSON.stringify(launchRequest({ userId }));
      const changed = raw.replace(`${userId}"`, `${userId.slice(0, -1)}X"`);
      expect(Buffer.from(changed)).toHaveLength(Buffer.byteLength(raw));
      const response = await fetch(skill.url, { method: 'POST', headers: alexaHeaders(raw), body: changed });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 'SIGNATURE_INVALID', message: 'Not verified as sent by Alexa: request body and signature does not match' } });
      expect(storedUserIds()).not.toContain(`${userId.slice(0, -1)}X`);
    });

    it("a request signed with another key than the certificate's", async () => {
      await refused(JSON.stringify(launchRequest({ userId })), { key: 'other' }, 400, 'SIGNATURE_INVALID', /signature does not match/);
    });

    it.each([
      ['http', 'http://s3.amazonaws.com/echo.api/echo-api-cert-test.pem', 'must use https, not http'],
      ['another host', 'https://s3.amazonaws.example.com/echo.api/echo-api-cert-test.pem', 'must be on s3.amazonaws.com, not s3.amazonaws.example.com'],
      ['another path', 'https://s3.amazonaws.com/other.api/echo-api-cert-test.pem', 'must have a path under /echo.api/, not /other.api/echo-api-cert-test.pem'],
      ['a path that leaves /echo.api/', 'https://s3.amazonaws.com/echo.api/../other.api/echo-api-cert-test.pem', 'must have a path under /echo.api/, not /other.api/echo-api-cert-test.pem'],
      ['an encoded path that leaves /echo.api/', 'https://s3.amazonaws.com/echo.api/%2e%2e/other.api/cert.pem', 'must have a path under /echo.api/, not /other.api/cert.pem'],
      ['port 8443', 'https://s3.amazonaws.com:8443/echo.api/echo-api-cert-test.pem', 'must use port 443, not 8443'],
      ['port 0', 'https://s3.amazonaws.com:0/echo.api/echo-api-cert-test.pem', 'must use port 443, not 0'],
      ['a user name', 'https://attacker@s3.amazonaws.com/echo.api/echo-api-cert-test.pem', 'must not carry a user name or password'],
    ])('a certificate URL with %s, without downloading anything', async (_, certUrl, problem) => {
      const fetched = await refused(JSON.stringify(launchRequest({ userId })), { certUrl }, 400, 'SIGNATURE_INVALID', new RegExp(`^Not verified as sent by Alexa: SignatureCertChainUrl ${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      expect(fetched).toEqual([]);
    });

    it.each([
      ['an expired certificate', 'https://s3.amazonaws.com/echo.api/expired.pem', /Signing Certificate expired/],
      // Amazon's verifier trips over a certificate with no names at all; what matters is that it refuses it.
      ['a certificate with no alternative names', 'https://s3.amazonaws.com/echo.api/no-san.pem', /^Not verified as sent by Alexa: /],
      ['a certificate without echo-api.amazon.com among its names', 'https://s3.amazonaws.com/echo.api/other-name.pem', /echo-api\.amazon\.com domain missing/],
      ['a certificate that does not chain to a trusted root', 'https://s3.amazonaws.com/echo.api/untrusted.pem', /Certificate is not trusted/],
      ['a certificate URL that serves nothing', 'https://s3.amazonaws.com/echo.api/missing.pem', /status code: 404/],
    ])('a request signed with %s', async (_, certUrl, message) => {
      await refused(JSON.stringify(launchRequest({ userId })), { certUrl }, 400, 'SIGNATURE_INVALID', message);
    });

    it('a request 151 seconds old', async () => {
      await refused(JSON.stringify(launchRequest({ userId, timestamp: ago(151_000) })), {}, 400, 'TIMESTAMP_INVALID', /^request\.timestamp is 151 s old; requests are accepted for 150 s$/);
    });

    it('a skill event 61 minutes old', async () => {
      const raw = JSON.stringify(subscriptionChanged({ userId, events: [WEATHER], timestamp: ago(61 * 60_000) }));
      await refused(raw, {}, 400, 'TIMESTAMP_INVALID', /^request\.timestamp is 3660 s old; skill events are accepted for 3600 s$/);
    });

    it('a skill event from the future', async () => {
      const raw = JSON.stringify(skillEnabled({ userId, timestamp: ago(-3 * 60_000) }));
      await refused(raw, {}, 400, 'TIMESTAMP_INVALID', /^request\.timestamp is 180 s ahead of this clock; at most 150 s are accepted$/);
    });

    it("another skill's request, though Alexa signed it", async () => {
      const raw = JSON.stringify(launchRequest({ userId, applicationId: 'amzn1.ask.skill.99999999-9999-9999-9999-999999999999' }));
      await refused(raw, {}, 403, 'WRONG_SKILL', /^The request is for the skill "amzn1\.ask\.skill\.9{8}-9{4}-9{4}-9{4}-9{12}", not this one \(SKILL_ID\)$/);
    });

    it('a request with no signature at all', async () => {
      await refused(JSON.stringify(launchRequest({ userId })), 'unsigned', 400, 'SIGNATURE_INVALID', /^Not verified as sent by Alexa: the SignatureCertChainUrl header is missing$/);
    });

    it('a request whose timestamp is not written as Alexa writes it', async () => {
      const raw = JSON.stringify(launchRequest({ userId, timestamp: new Date().toString() }));
      await refused(raw, {}, 400, 'TIMESTAMP_INVALID', /is not an ISO 8601 date-time$/);
    });
  });

  it('logs every refusal in one line, without the body', () => {
    expect(logged.length).toBeGreaterThan(10);
    for (const line of logged) {
      expect(line).toMatch(/^Refused a request: \d{3} [A-Z_]+: /);
      expect(line).not.toContain('amzn1.ask.account');
    }
  });
});

describe('bodies that would hang the skill', () => {
  const deep = (levels: number, inner = '{}') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;

  it.each([
    ['the whole body', () => deep(100_000)],
    ['the slots of an intent', () => JSON.stringify(intentRequest({ userId: user(), intent: 'HelpIntent' })).replace('"slots":{}', `"slots":{"deep":${deep(100_000)}}`)],
    ['a trigger', () => JSON.stringify({ ...intentRequest({ userId: user(), intent: 'WeatherAlertIntent' }), trigger: { data: JSON.parse(deep(60)), deeper: 'x' } }).replace('"x"', deep(100_000))],
  ])('are refused with 400 when nested deeply in %s, and the next request is served', async (_, body) => {
    const answer = await post(body(), 'unsigned');
    expect(answer).toEqual({ status: 400, json: { error: { code: 'TOO_DEEP', message: 'The request body is nested deeper than 64 levels' } } });
    expect((await post(JSON.stringify(launchRequest({ userId: user() })))).status).toBe(200);
  });

  it('cuts off a client that sends its headers too slowly, and goes on serving', async () => {
    const app = createApp(testSettings());
    const server = await listen(createWebhook(app, { ...gateOptions(testSettings()), log: () => undefined }), 0, '127.0.0.1', { headersTimeoutMs: 300 });
    try {
      const port = (server.address() as AddressInfo).port;
      const socket = connect(port, '127.0.0.1');
      socket.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      // Node's own limit is a minute, past the test's: a close with 408 is the webhook's headersTimeoutMs.
      await new Promise((resolve) => socket.once('close', resolve));
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      const next = await fetch(`http://127.0.0.1:${port}/webhook`, { method: 'POST', body: JSON.stringify(launchRequest({ userId: user() })) });
      expect(next.status).toBe(200);
    } finally {
      await close(server);
    }
  });

  it('refuses a client past its connections at once with 503, but makes room by closing its idle kept-alive ones', async () => {
    const app = createApp(testSettings());
    const server = await listen(createWebhook(app, { ...gateOptions(testSettings()), log: () => undefined }), 0, '127.0.0.1', { maxConnectionsPerClient: 2 });
    const sockets: Socket[] = [];
    const open = (localAddress: string, first = '') =>
      new Promise<Socket>((resolve) => {
        const socket = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', localAddress }, () => resolve(socket));
        socket.write(first);
        socket.on('error', () => undefined);
        sockets.push(socket);
      });
    const answerOf = (socket: Socket) => new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
    try {
      // Two connections in the middle of a request hold 127.0.0.2's share; a third is refused at once.
      await open('127.0.0.2', 'POST /webhook HTTP/1.1\r\n');
      await open('127.0.0.2', 'POST /webhook HTTP/1.1\r\n');
      const third = await open('127.0.0.2');
      const refused = await answerOf(third);
      expect(refused).toMatch(/^HTTP\/1\.1 503 /);
      expect(refused).toContain('"code":"TOO_MANY_CONNECTIONS"');
      // Another address is not held back.
      const launch = JSON.stringify(launchRequest({ userId: user() }));
      const request = `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(launch)}\r\n\r\n${launch}`;
      const kept = [await open('127.0.0.3', request), await open('127.0.0.3', request)];
      await Promise.all(kept.map(answerOf)); // both answered and kept alive, idle
      const next = await open('127.0.0.3', request);
      expect(await answerOf(next)).toMatch(/^HTTP\/1\.1 200 /);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(kept.filter((socket) => socket.destroyed || socket.readableEnded)).toHaveLength(1);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await close(server);
    }
  });
});

describe('a failure inside the skill', () => {
  // These failures are on purpose: Jovo's report of each (a stack and the request's details) would only be noise.
  beforeAll(() => (process.env.JOVO_LOG_LEVEL = String(LogLevel.NONE)));
  afterAll(() => (process.env.JOVO_LOG_LEVEL = String(LogLevel.NONE)));

  function failingApp({ failAgain = false } = {}) {
    const settings = testSettings();
    const app = createApp(settings);
    app.setHandler({
      LAUNCH(this: Jovo) {
        throw new Error('secret internals: boom');
      },
      HelpIntent(this: Jovo) {
        this.tell('Help is here.');
      },
    });
    // Jovo's own error handling failing too, as a RangeError in its error formatting once did.
    if (failAgain) app.middleware('fail')!.use(() => Promise.reject(new RangeError('Maximum call stack size exceeded')));
    return { settings, app };
  }

  it.each([false, true])('answers a JSON 500 without its details (Jovo failing to report it: %s), and the webhook keeps serving', async (failAgain) => {
    const { settings, app } = failingApp({ failAgain });
    const failures: string[] = [];
    const server = await listen(createWebhook(app, { ...gateOptions(settings), log: (line) => failures.push(line) }), 0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(launchRequest({ userId: user() })) });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { code: 'INTERNAL', message: 'The skill failed to handle the request; its log has the cause' } });
      const next = await fetch(url, { method: 'POST', body: JSON.stringify(intentRequest({ userId: user(), intent: 'HelpIntent' })) });
      expect(next.status).toBe(200);
      if (failAgain) expect(failures).toEqual(['The webhook failed: Maximum call stack size exceeded']);
    } finally {
      await close(server);
    }
  });

  it.each([false, true])('rejects the Lambda invocation, never leaving it unsettled (Jovo failing to report it: %s)', async (failAgain) => {
    const { settings, app } = failingApp({ failAgain });
    const handler = lambdaFor(settings, { app });
    await expect(handler(launchRequest({ userId: user() }), {})).rejects.toThrow(failAgain ? /Maximum call stack/ : /boom/);
    await expect(new Promise((resolve, reject) => void handler(launchRequest({ userId: user() }), {}, (error) => (error ? reject(error) : resolve(null))))).rejects.toThrow();
  });
});

it('still takes the owner\'s signed trigger after all of that', async () => {
  const run = await trigger(skill.url, 'weather', '--alert-type', 'TORNADO', '--api-endpoint', amazon.url, '--json');
  expect(run.json()).toEqual([expect.objectContaining({ status: 'accepted' })]);
  expect(eventRequests(amazon)).toHaveLength(1);
});
