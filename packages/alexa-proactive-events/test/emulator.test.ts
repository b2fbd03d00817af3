import * as fs from 'fs';
import { request } from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { MAX_LIVE_TOKENS, createEmulator, type AcceptedEvent, type Emulator, type EmulatorOptions } from '../src/emulator';
import { example } from './helpers/fixtures';

/** A built skill manifest (skill.json) that publishes all eight events. */
const SKILL_JSON = path.join(__dirname, 'fixtures', 'skill-package', 'skill.json');
let emulator: Emulator;
let clock: { now: number };

async function start(options: EmulatorOptions = {}) {
  clock = { now: Date.parse('2026-11-22T10:00:00Z') };
  emulator = await createEmulator({ port: 0, now: () => clock.now, ...options });
}
afterEach(() => emulator.close());

function token(form: Record<string, string> = {}, pathName = '/auth/o2/token') {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'id', client_secret: 'secret', scope: 'alexa::proactive_events', ...form });
  return fetch(`${emulator.url}${pathName}`, { method: 'POST', body });
}

async function accessToken(): Promise<string> {
  return ((await (await token()).json()) as { access_token: string }).access_token;
}

function send(body: unknown, bearer: string | undefined, stage: 'development' | 'live' = 'development') {
  return fetch(`${emulator.url}/v1/proactiveEvents${stage === 'development' ? '/stages/development' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('token endpoint', () => {
  beforeEach(() => start());

  it.each(['/auth/o2/token', '/auth/O2/token'])('issues a bearer token for an hour at %s', async (pathName) => {
    const response = await token({}, pathName);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ access_token: expect.stringMatching(/^Atc\|/), expires_in: 3600, scope: 'alexa::proactive_events', token_type: 'bearer' });
    expect(emulator.tokensIssued).toBe(1);
  });

  it.each([
    [{ grant_type: 'password' }, 400, 'unsupported_grant_type'],
    [{ client_secret: '' }, 400, 'invalid_request'],
    [{ scope: 'alexa::alerts:reminders:skill:readwrite' }, 400, 'invalid_scope'],
  ])('refuses %p with %i %s', async (form, status, error) => {
    const response = await token(form);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
  });

  it('accepts only the configured credentials when given some', async () => {
    await emulator.close();
    await start({ clients: { id: 'right' } });
    expect((await token({ client_secret: 'wrong' })).status).toBe(401);
    expect(await (await token({ client_secret: 'wrong' })).json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    expect((await token({ client_secret: 'right' })).status).toBe(200);
  });
});

describe('events API', () => {
  beforeEach(() => start({ skillJsonPath: SKILL_JSON }));

  it('accepts a valid event with 202 and a request id, and lists it with its notification text', async () => {
    const response = await send(example('weather-alert.json'), await accessToken());
    expect(response.status).toBe(202);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const events = (await (await fetch(`${emulator.url}/events`)).json()) as AcceptedEvent[];
    expect(events).toEqual([
      expect.objectContaining({
        id: 1,
        stage: 'development',
        event: 'AMAZON.WeatherAlert.Activated',
        referenceId: 'schema-page-example-weather-alert',
        audience: 'Multicast',
        locale: 'en-US',
        text: 'There is a tornado alert for your area. Provided by Weather Knows.',
        texts: { 'en-US': 'There is a tornado alert for your area. Provided by Weather Knows.' },
        acceptedAt: '2026-11-22T10:00:00.000Z',
      }),
    ]);
  });

  it('says so, rather than show an empty notification, for an event in a language it has no texts for', async () => {
    const french = { ...example('weather-alert.json'), localizedAttributes: [{ locale: 'fr-FR', source: 'Météo' }] };
    expect((await send(french, await accessToken())).status).toBe(202);
    expect(emulator.accepted[0]).toMatchObject({ locale: 'fr-FR', text: '(no preview in fr-FR: the emulator speaks en and de)', texts: {} });
  });

  it('speaks every locale the event can be previewed in', async () => {
    await send(example('message-alert.json'), await accessToken());
    expect(emulator.accepted[0].texts).toEqual({
      'en-US': 'You have 5 new unread urgent messages from Andy.',
      'de-DE': 'Du hast 5 neue ungelesene dringende Nachrichten von Andy.',
    });
  });

  it('refuses a missing, unknown or expired token with 403', async () => {
    const missing = await send(example('weather-alert.json'), undefined);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ code: 403, message: 'No access token: send Authorization: Bearer <token from /auth/o2/token>' });
    expect(await (await send(example('weather-alert.json'), 'Atc|made-up')).json()).toEqual({ code: 403, message: 'The access token is invalid or expired' });
    const issued = await accessToken();
    clock.now += 3600 * 1000;
    expect((await send(example('weather-alert.json'), issued)).status).toBe(403);
    expect(emulator.accepted).toEqual([]);
  });

  it('refuses a token expired on request', async () => {
    const issued = await accessToken();
    emulator.expireTokens();
    expect((await send(example('weather-alert.json'), issued)).status).toBe(403);
  });

  it('validates the body as the library does, answering 400 with every problem', async () => {
    const response = await send({ ...example('weather-alert.json'), referenceId: '', expiryTime: '2026-11-22T10:01:00Z' }, await accessToken());
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe(
      'referenceId: must not be empty (given ""); expiryTime: must be 300 s (5 minutes) to 86,400 s (24 hours) after timestamp 2026-11-22T10:00:00Z; it is 60 s after it (given "2026-11-22T10:01:00Z")',
    );
    expect((await send('{ not json', await accessToken())).status).toBe(400);
  });

  it('refuses an event missing from the publications of the built skill.json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skill-json-'));
    const narrow = path.join(dir, 'skill.json');
    fs.writeFileSync(narrow, JSON.stringify({ manifest: { events: { publications: [{ eventName: 'AMAZON.OrderStatus.Updated' }] } } }));
    await emulator.close();
    await start({ skillJsonPath: narrow });
    const response = await send(example('weather-alert.json'), await accessToken());
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/does not publish AMAZON\.WeatherAlert\.Activated/);
    expect((await send(example('order-received.json'), await accessToken())).status).toBe(202);
  });

  it('answers a repeated referenceId for the same audience and stage with 409, and accepts it for another', async () => {
    const bearer = await accessToken();
    const unicast = (user: string) => ({ ...example('weather-alert.json'), relevantAudience: { type: 'Unicast', payload: { user } } });
    expect((await send(example('weather-alert.json'), bearer)).status).toBe(202);
    expect((await send(example('weather-alert.json'), bearer)).status).toBe(409);
    expect((await send(example('weather-alert.json'), bearer, 'live')).status).toBe(202);
    expect((await send(unicast('user-1'), bearer)).status).toBe(202);
    expect((await send(unicast('user-2'), bearer)).status).toBe(202);
    expect((await send(unicast('user-2'), bearer)).status).toBe(409);
    expect(emulator.accepted.map((event) => [event.stage, event.audience])).toEqual([
      ['development', 'Multicast'],
      ['live', 'Multicast'],
      ['development', 'user-1'],
      ['development', 'user-2'],
    ]);
  });

  it('forgets everything on DELETE /events', async () => {
    const bearer = await accessToken();
    await send(example('weather-alert.json'), bearer);
    expect((await fetch(`${emulator.url}/events`, { method: 'DELETE' })).status).toBe(204);
    expect(emulator.accepted).toEqual([]);
    expect((await send(example('weather-alert.json'), bearer)).status).toBe(202);
  });

  it("logs Amazon's traffic, not the page's polls", async () => {
    await emulator.close();
    const lines: string[] = [];
    await start({ skillJsonPath: SKILL_JSON, log: (line) => lines.push(line) });
    await fetch(`${emulator.url}/events`);
    await fetch(`${emulator.url}/stats`);
    await send(example('weather-alert.json'), await accessToken());
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual(['POST /auth/o2/token 200', 'POST /v1/proactiveEvents/stages/development 202 AMAZON.WeatherAlert.Activated']);
  });

  it('keeps only the latest requests in its log, and counts them all', async () => {
    await emulator.close();
    await start({ receivedLimit: 3 });
    for (let i = 0; i < 5; i++) await fetch(`${emulator.url}/v2/request-${i}`);
    expect(emulator.received.map((request) => request.path)).toEqual(['/v2/request-2', '/v2/request-3', '/v2/request-4']);
    expect(((await (await fetch(`${emulator.url}/stats`)).json()) as { received: number }).received).toBe(6);
  });

  it("closes while a browser holds a connection it never used, and sends the answer under way before it goes", async () => {
    await emulator.close();
    await start({ faults: { latencyMs: 300 } });
    const bearer = await accessToken();
    // A browser opens spare connections ahead of its requests; Node's own close waits for them for a minute.
    const spare = net.connect(Number(new URL(emulator.url).port), '127.0.0.1');
    await new Promise((resolve) => spare.once('connect', resolve));
    const underWay = send(example('weather-alert.json'), bearer);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the event is in, its answer 200 ms away

    const closed = await Promise.race([emulator.close().then(() => 'closed'), new Promise((resolve) => setTimeout(resolve, 5000, 'still open after 5 s'))]);
    spare.destroy(); // closed already, unless the emulator waited for it
    const answer = await underWay;
    expect(closed).toBe('closed');
    expect([answer.status, answer.headers.get('connection')]).toEqual([202, 'close']);
    await start();
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await fetch(`${emulator.url}/v2/anything`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 404, message: 'No route GET /v2/anything' });
  });
});

describe('reading requests', () => {
  beforeEach(() => start({ subscribers: {} }));

  it('answers HEAD as the GET it asks about, without a body, and a JSON 404 where there is no GET', async () => {
    const head = await fetch(`${emulator.url}/events`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), head.headers.get('content-length'), await head.text()]).toEqual([200, 'application/json; charset=utf-8', '2', '']);
    const page = await fetch(`${emulator.url}/`, { method: 'HEAD' });
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect((await fetch(`${emulator.url}/auth/o2/token`, { method: 'HEAD' })).status).toBe(404);
  });

  it('refuses a body over its limit with 413: 1 MB for an event, 16 KB for a token request or a subscription change', async () => {
    const large = JSON.stringify({ ...example('weather-alert.json'), padding: 'x'.repeat(1024 * 1024) });
    const event = await send(large, await accessToken());
    expect([event.status, await event.json()]).toEqual([413, { code: 413, message: 'The body is larger than 1048576 bytes' }]);
    expect((await token({ padding: 'x'.repeat(16 * 1024) })).status).toBe(413);
    const change = await fetch(`${emulator.url}/subscriptions/ME`, { method: 'PUT', body: JSON.stringify({ events: [], padding: 'x'.repeat(16 * 1024) }) });
    expect(change.status).toBe(413);
    // Sent in chunks, with no length said beforehand: counted as it comes.
    const chunks = [`{"events":[],"padding":"${'x'.repeat(10 * 1024)}`, `${'x'.repeat(10 * 1024)}"}`];
    const body = new ReadableStream({ pull: (controller) => (chunks.length > 0 ? controller.enqueue(new TextEncoder().encode(chunks.shift())) : controller.close()) });
    const streamed = await fetch(`${emulator.url}/subscriptions/ME`, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect([streamed.status, await streamed.json()]).toEqual([413, { code: 413, message: 'The body is larger than 16384 bytes' }]);
    expect(emulator.accepted).toEqual([]);
    expect(emulator.subscribers()).toEqual([]);
  });

  it('refuses with 400 a body that is not a JSON object or array, and a user id that is not percent-encoded', async () => {
    const bearer = await accessToken();
    for (const body of ['{ not json', '"a string"', '42']) {
      const response = await send(body, bearer);
      expect([body, response.status, await response.json()]).toEqual([body, 400, { code: 400, message: 'The body is not valid JSON' }]);
    }
    const change = await fetch(`${emulator.url}/subscriptions/%zz`, { method: 'PUT', body: '{"events":[]}' });
    expect([change.status, ((await change.json()) as { message: string }).message]).toEqual([400, 'The user id in the path is not percent-encoded: "%zz"']);
  });

  it('reads the token request as a form only: another type of body has no fields', async () => {
    const form = { grant_type: 'client_credentials', client_id: 'id', client_secret: 'secret', scope: 'alexa::proactive_events' };
    const asJson = await fetch(`${emulator.url}/auth/o2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form) });
    expect([asJson.status, await asJson.json()]).toEqual([400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' }]);
    expect((await token()).status).toBe(200);
  });
});

describe('only for this machine', () => {
  beforeEach(() => start());

  /** A request with the Host header a browser would send for a page whose name was rebound to loopback. */
  function withHost(method: string, pathName: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const { port } = new URL(emulator.url);
      const req = request({ host: '127.0.0.1', port, method, path: pathName, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject).end();
    });
  }

  it.each([
    ['GET', '/events'],
    ['DELETE', '/events'],
    ['GET', '/'],
  ])('refuses %s %s addressed to another host name, as a DNS-rebinding page sends it', async (method, pathName) => {
    await send(example('weather-alert.json'), await accessToken());
    const answer = await withHost(method, pathName, 'rebound.example.com:3001');
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).message).toMatch(/^The emulator answers requests addressed to 127\.0\.0\.1, localhost, ::1, not "rebound\.example\.com:3001"$/);
    expect(emulator.accepted).toHaveLength(1);
    for (const host of ['127.0.0.1:3001', 'localhost', 'LOCALHOST:1', '[::1]:3001']) expect((await withHost('GET', '/events', host)).status).toBe(200);
  });

  it("refuses a browser form post to its token endpoint, and any other site's request that changes state", async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'id', client_secret: 'secret', scope: 'alexa::proactive_events' });
    const posted = await fetch(`${emulator.url}/auth/o2/token`, { method: 'POST', body: form, headers: { origin: 'https://attacker.example.com' } });
    expect(posted.status).toBe(403);
    await expect(posted.json()).resolves.toEqual({ code: 403, message: 'Browsers may not use the emulator\'s API from another site (the request comes from "https://attacker.example.com")' });
    expect(emulator.tokensIssued).toBe(0);
    // Another server on this machine is another site; the emulator's own page is not.
    const { port } = new URL(emulator.url);
    expect((await fetch(`${emulator.url}/events`, { method: 'DELETE', headers: { origin: `http://127.0.0.1:${Number(port) + 1}` } })).status).toBe(403);
    expect((await fetch(`${emulator.url}/events`, { method: 'DELETE', headers: { origin: emulator.url } })).status).toBe(204);
  });

  it(`keeps at most ${MAX_LIVE_TOKENS} tokens, dropping expired ones first, then the oldest`, async () => {
    await emulator.close();
    await start({ tokenTtlSeconds: 60 });
    const first = await accessToken();
    clock.now += 61_000; // the first token expires
    const tokens = [];
    for (let i = 0; i < MAX_LIVE_TOKENS + 1; i++) tokens.push(await accessToken());
    expect((await send(example('weather-alert.json'), first)).status).toBe(403);
    expect((await send(example('weather-alert.json'), tokens[0])).status).toBe(403); // the oldest live one, dropped
    expect((await send(example('weather-alert.json'), tokens[MAX_LIVE_TOKENS])).status).toBe(202);
  });

  it('keeps keepTokens live tokens when told: a token per event from one client does not push out another\'s kept token', async () => {
    await emulator.close();
    await start({ keepTokens: 3 });
    const kept = await accessToken();
    const flood = [await accessToken(), await accessToken()];
    expect((await send(example('weather-alert.json'), kept)).status).toBe(202);
    flood.push(await accessToken()); // the fourth: the oldest, `kept`, goes
    expect((await send({ ...example('weather-alert.json'), referenceId: 'after-flood' }, kept)).status).toBe(403);
    expect((await send({ ...example('weather-alert.json'), referenceId: 'after-flood' }, flood[2])).status).toBe(202);
  });
});

describe('subscribers, as Alexa keeps them', () => {
  const WEATHER = 'AMAZON.WeatherAlert.Activated';
  const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
  const ME = 'amzn1.ask.account.ME';
  const unicast = (user: string) => ({ ...example('weather-alert.json'), referenceId: `r-${Math.random()}`, relevantAudience: { type: 'Unicast', payload: { user } } });
  const multicast = () => ({ ...example('weather-alert.json'), referenceId: `r-${Math.random()}` });
  const put = (user: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${emulator.url}/subscriptions/${encodeURIComponent(user)}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  /** A stand-in for the skill's webhook that records what it is sent and answers `status`. */
  async function skillStandIn(status = 200, message = 'the SignatureCertChainUrl header is missing') {
    const received: Array<Record<string, any>> = [];
    const { createServer } = await import('http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"version":"1.0","response":{}}' : JSON.stringify({ error: { code: 'SIGNATURE_INVALID', message } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhook`;
    return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it("refuses a Unicast to a user who has not turned the event on with 403, as Amazon does, and accepts it once they have", async () => {
    await start({ subscribers: {} });
    const bearer = await accessToken();
    const refused = await send(unicast(ME), bearer);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toBe(
      `The user is not subscribed to ${WEATHER} (subscribed here to: none; turn it on on the emulator's page or with PUT /subscriptions/<user>)`,
    );
    // Kept for GET /refused (what invoke shows), with why.
    expect(await (await fetch(`${emulator.url}/refused`)).json()).toEqual([
      { id: 1, refusedAt: new Date(clock.now).toISOString(), stage: 'development', event: WEATHER, audience: ME, status: 403, message: expect.stringMatching(/^The user is not subscribed/) },
    ]);
    expect((await put(ME, { events: [WEATHER] })).status).toBe(200);
    expect((await send(unicast(ME), bearer)).status).toBe(202);
    expect(emulator.accepted).toEqual([expect.objectContaining({ audience: ME, reached: [ME] })]);
    expect((await put(ME, { events: [] })).status).toBe(200);
    expect((await send(unicast(ME), bearer)).status).toBe(403);
  });

  it('shows whom a Multicast reached: the users of this region who turned its event on, or no one', async () => {
    await start({ subscribers: {} });
    const bearer = await accessToken();
    await send(multicast(), bearer);
    await put(ME, { events: [WEATHER, TRASH] });
    await put('amzn1.ask.account.OTHER', { events: [TRASH] });
    await put('amzn1.ask.account.THIRD', { events: [WEATHER], locale: 'de-DE' });
    await send(multicast(), bearer);
    expect(emulator.accepted.map((event) => event.reached)).toEqual([[], [ME, 'amzn1.ask.account.THIRD']]);
    const listed = await (await fetch(`${emulator.url}/subscriptions`)).json();
    expect(listed).toMatchObject({ tracked: true, skill: null, subscribers: expect.arrayContaining([{ user: 'amzn1.ask.account.THIRD', events: [WEATHER], locale: 'de-DE' }]) });
  });

  it('refuses a change naming an event the skill does not publish, or malformed, naming the field and what is allowed', async () => {
    await start({ subscribers: {}, skillJsonPath: SKILL_JSON });
    const unknown = await put(ME, { events: [WEATHER, 'AMAZON.Weather.Changed'] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/^events\[1\]: "AMAZON\.Weather\.Changed" is not an event this skill publishes; it publishes AMAZON\.WeatherAlert\.Activated, /);
    const malformed = await put(ME, { events: WEATHER, locale: 'english' });
    expect(((await malformed.json()) as { message: string }).message).toBe('events: Invalid input: expected array, received string; locale: expected a locale like "en-US"');
    expect(emulator.subscribers()).toEqual([]);
  });

  it('refuses the same changes from code with a ValidationError naming each field, and a change to an emulator that tracks no one with an OptionsError', async () => {
    await start({ subscribers: {}, skillJsonPath: SKILL_JSON });
    await expect(emulator.setSubscriptions(ME, [WEATHER, 'AMAZON.Weather.Changed'])).rejects.toMatchObject({
      name: 'ValidationError',
      code: 'ERR_VALIDATION',
      issues: [{ path: 'events[1]', message: expect.stringMatching(/^"AMAZON\.Weather\.Changed" is not an event this skill publishes/) }],
    });
    await emulator.close();
    await start();
    await expect(emulator.setSubscriptions(ME, [WEATHER])).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS', issues: [{ path: 'subscribers' }] });
  });

  it('counts every user as subscribed without subscribers, and says so to a change', async () => {
    await start();
    expect((await send(unicast(ME), await accessToken())).status).toBe(202);
    expect(emulator.accepted[0].reached).toBeUndefined();
    const change = await put(ME, { events: [WEATHER] });
    expect(change.status).toBe(409);
  });

  it('tells the skill of each change with the ProactiveSubscriptionChanged Alexa sends, this emulator as the region', async () => {
    const skill = await skillStandIn();
    try {
      await start({ subscribers: {}, skill: { url: skill.url, skillId: 'amzn1.ask.skill.TEST' } });
      const answer = await (await put(ME, { events: [TRASH, WEATHER], locale: 'de-DE' })).json();
      // In the order of the publications (all eight here), not of the request.
      expect(answer).toEqual({ subscriber: { user: ME, events: [WEATHER, TRASH], locale: 'de-DE' }, skill: { delivered: true, status: 200, message: `the skill at ${skill.url} answered 200` } });
      expect(skill.received).toEqual([
        {
          version: '1.0',
          context: { System: { application: { applicationId: 'amzn1.ask.skill.TEST' }, user: { userId: ME }, apiEndpoint: emulator.url } },
          request: {
            type: 'AlexaSkillEvent.ProactiveSubscriptionChanged',
            requestId: expect.stringMatching(/^amzn1\.echo-api\.request\./),
            timestamp: new Date(clock.now).toISOString(),
            locale: 'de-DE',
            body: { subscriptions: [{ eventName: WEATHER }, { eventName: TRASH }] },
          },
        },
      ]);
    } finally {
      await skill.close();
    }
  });

  it('keeps the change but says why when the skill refuses it or cannot be reached', async () => {
    const skill = await skillStandIn(403);
    try {
      await start({ subscribers: {}, skill: { url: skill.url } });
      const refused = await emulator.setSubscriptions(ME, [WEATHER]);
      expect(refused.skill).toEqual({
        delivered: false,
        status: 403,
        message: `the skill at ${skill.url} answered 403: the SignatureCertChainUrl header is missing (a skill that verifies signatures refuses the emulator, which cannot sign as Alexa: run the skill with signature checks off, on loopback only)`,
      });
      expect(emulator.subscribers()).toEqual([{ user: ME, events: [WEATHER], locale: 'en-US' }]);
      await skill.close();
      const unreachable = await emulator.setSubscriptions(ME, []);
      expect(unreachable.skill).toEqual({ delivered: false, status: null, message: `the skill at ${skill.url} could not be reached (ECONNREFUSED): is it running?` });
    } finally {
      await skill.close().catch(() => undefined);
    }
  });

  /** Characters a terminal acts on: C0 controls, DEL and C1 controls. */
  const controlsIn = (line: string) => [...line].filter((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));
  const FORGED = `amzn1.ask.account.X\n[amazon] POST /v1/proactiveEvents 202 ${WEATHER}\u001b[2J\u009b2J\r`;

  it('writes a user id and the skill\'s answer into its log escaped, so that neither forges a line or moves the cursor', async () => {
    const skill = await skillStandIn(400, `refused\n[amazon] POST /v1/proactiveEvents 202 ${TRASH}\u001b[2J`);
    const lines: string[] = [];
    try {
      await start({ subscribers: {}, skill: { url: skill.url }, log: (line) => lines.push(line) });
      const answer = await put(FORGED, { events: [WEATHER] });
      expect(answer.status).toBe(200);
      const change = (await answer.json()) as { skill: { message: string } };
      expect(controlsIn(change.skill.message)).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(lines).toHaveLength(3);
      for (const line of lines) expect(controlsIn(line)).toEqual([]);
      const written = lines.join('\n').split('\n');
      expect(written).toHaveLength(3);
      expect(written.filter((line) => line.startsWith('[amazon]') || line.startsWith('POST /v1/proactiveEvents'))).toEqual([]);
      expect(lines[0]).toBe(`subscriptions of "amzn1.ask.account.X\\n[amazon] POST /v1/proactiveEvents 202 ${WEATHER}\\u001b[2J\\u009b2J\\r": ${WEATHER}`);
      expect(lines[1]).toBe(`  could not tell the skill: the skill at ${skill.url} answered 400: refused\\n[amazon] POST /v1/proactiveEvents 202 ${TRASH}\\u001b[2J`);
      expect(lines[2]).toMatch(/^PUT \/subscriptions\/amzn1\.ask\.account\.X%0A%5Bamazon%5D.*%1B%5B2J.*%C2%9B2J%0D 200$/);
    } finally {
      await skill.close();
    }
  });

  it('names an event it does not know escaped, in the answer a terminal may print', async () => {
    await start({ subscribers: {}, skillJsonPath: SKILL_JSON });
    const unknown = await put(ME, { events: ['AMAZON.Weather\u009b2J\u0085[amazon]'] });
    expect(unknown.status).toBe(400);
    const message = ((await unknown.json()) as { message: string }).message;
    expect(message).toMatch(/^events\[0\]: "AMAZON\.Weather\\u009b2J\\u0085\[amazon\]" is not an event this skill publishes/);
  });

  it('serves a page that sets what a client chose as text, never as HTML', async () => {
    // The page shows user ids, event names and the skill's answers; only fixed strings are written as markup.
    await start({ subscribers: {} });
    const page = await (await fetch(`${emulator.url}/`)).text();
    const script = page.slice(page.indexOf('<script>'));
    const markup = [...script.matchAll(/\.innerHTML\s*=\s*([^;]*);/g)].map(([, value]) => value);
    expect(markup.length).toBeGreaterThan(0);
    for (const value of markup) expect(value).toMatch(/^'[^'+]*'$/);
    expect(script).not.toMatch(/outerHTML|insertAdjacentHTML|document\.write|srcdoc|eval\(|new Function/);
    expect(script).toContain('textContent');
  });

  it("takes changes from its own page, and from no other site's", async () => {
    await start({ subscribers: {} });
    expect((await put(ME, { events: [WEATHER] }, { origin: emulator.url })).status).toBe(200);
    expect((await put(ME, { events: [] }, { origin: 'https://attacker.example.com' })).status).toBe(403);
    expect(emulator.subscribers()).toEqual([{ user: ME, events: [WEATHER], locale: 'en-US' }]);
  });
});

describe('as strict as Amazon where Amazon is known, and no stricter', () => {
  beforeEach(() => start({ skillJsonPath: SKILL_JSON, faults: { script: [503] } }));
  const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${emulator.url}/v1/proactiveEvents${path}`, { method: 'POST', headers, body });
  const event = () => JSON.stringify(example('weather-alert.json'));

  it('checks who is asking before anything else, faults included', async () => {
    const response = await post('/stages/development', event(), { 'content-type': 'application/json' });
    expect(response.status).toBe(403);
    expect(emulator.accepted).toEqual([]);
  });

  it('takes JSON only', async () => {
    const bearer = `Bearer ${await accessToken()}`;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await post('/stages/development', event(), { authorization: bearer, 'content-type': type });
      expect([response.status, ((await response.json()) as { message: string }).message]).toEqual([415, `Content-Type must be application/json, not "${type}"`]);
    }
    expect((await post('/stages/development', event(), { authorization: bearer })).status).toBe(415);
  });

  it('refuses an event that has expired by the time it arrives', async () => {
    emulator.setFaults({});
    clock.now = Date.parse('2026-11-22T11:00:00Z');
    const response = await send(example('weather-alert.json'), await accessToken());
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe(
      'expiryTime: has passed (it is 2026-11-22T11:00:00.000Z): Amazon would not deliver the event (given "2026-11-22T11:00:00Z")',
    );
  });

  it('reads the stage from the path without a trailing slash, and knows no other spelling of it', async () => {
    emulator.setFaults({});
    const headers = { authorization: `Bearer ${await accessToken()}`, 'content-type': 'application/json' };
    expect((await post('/stages/development/', event(), headers)).status).toBe(202);
    expect(emulator.accepted.map((accepted) => accepted.stage)).toEqual(['development']);
    for (const path of ['/stages/Development', '/stages/DEVELOPMENT']) expect((await post(path, event(), headers)).status).toBe(404);
    for (const prefix of ['/V1/PROACTIVEEVENTS', '/v1/ProactiveEvents']) {
      expect((await fetch(`${emulator.url}${prefix}/stages/development`, { method: 'POST', headers, body: event() })).status).toBe(404);
    }
    // Only POST is the events API: a GET is no route, whatever its headers, and spends no scripted fault.
    expect((await fetch(`${emulator.url}/v1/proactiveEvents/stages/development`, { headers })).status).toBe(404);
    expect((await post('/', JSON.stringify({ ...example('weather-alert.json'), referenceId: 'live-1' }), headers)).status).toBe(202);
    expect(emulator.accepted.map((accepted) => accepted.stage)).toEqual(['development', 'live']);
  });

  it('takes the client credentials as HTTP Basic authentication, as Login with Amazon does', async () => {
    await emulator.close();
    await start({ clients: { 'amzn1.application-oa2-client.basic': 's3cret=&+' } });
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'alexa::proactive_events' });
    const basic = Buffer.from(`amzn1.application-oa2-client.basic:${encodeURIComponent('s3cret=&+')}`).toString('base64');
    const response = await fetch(`${emulator.url}/auth/o2/token`, { method: 'POST', body: form, headers: { authorization: `Basic ${basic}` } });
    expect(response.status).toBe(200);
    // As sent, not form-encoded (curl -u): a + stays a +, and a % that starts no escape is no error.
    for (const [id, secret] of [['amzn1.application-oa2-client.basic', 's3cret=&+'], ['amzn1.application-oa2-client.percent', '100%zz']]) {
      await emulator.close();
      await start({ clients: { [id]: secret } });
      const raw = Buffer.from(`${id}:${secret}`).toString('base64');
      const answer = await fetch(`${emulator.url}/auth/o2/token`, { method: 'POST', body: form, headers: { authorization: `Basic ${raw}` } });
      expect([secret, answer.status]).toEqual([secret, 200]);
    }
    const wrong = await fetch(`${emulator.url}/auth/o2/token`, { method: 'POST', body: form, headers: { authorization: `Basic ${Buffer.from('someone:%zz').toString('base64')}` } });
    expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
  });

  it('answers invalid_scope for a client that may not send Proactive Events', async () => {
    await emulator.close();
    await start({ clientsWithoutScope: ['amzn1.application-oa2-client.profile'] });
    const response = await token({ client_id: 'amzn1.application-oa2-client.profile' });
    expect([response.status, await response.json()]).toEqual([400, { error: 'invalid_scope', error_description: 'The request has an invalid parameter : scope' }]);
  });
});

describe('faults', () => {
  it('answers the scripted statuses in order, with Retry-After on a 429, then behaves', async () => {
    await start({ faults: { script: [429, 500, 'drop', 503], retryAfterSeconds: 4 } });
    const bearer = await accessToken();
    const first = await send(example('weather-alert.json'), bearer);
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '4']);
    expect((await send(example('weather-alert.json'), bearer)).status).toBe(500);
    await expect(send(example('weather-alert.json'), bearer)).rejects.toThrow('fetch failed');
    expect((await send(example('weather-alert.json'), bearer)).status).toBe(503);
    expect((await send(example('weather-alert.json'), bearer)).status).toBe(202);
  });

  it('makes the same faults for the same seed', async () => {
    const statuses = async () => {
      const bearer = await accessToken();
      const seen: number[] = [];
      for (let i = 0; i < 50; i++) seen.push((await send({ ...example('weather-alert.json'), referenceId: `r${i}` }, bearer)).status);
      await emulator.close();
      return seen;
    };
    await start({ faults: { rate: 0.4, seed: 3 } });
    const first = await statuses();
    await start({ faults: { rate: 0.4, seed: 3 } });
    const second = await statuses();
    await start(); // for afterEach
    expect(second).toEqual(first);
    // 40% of 50 requests, give or take what one seed makes of it.
    expect(first.filter((status) => status !== 202).length).toBeGreaterThanOrEqual(10);
    expect(first.filter((status) => status !== 202).length).toBeLessThanOrEqual(30);
    expect(new Set(first.filter((status) => status !== 202))).toEqual(new Set([429, 500, 503]));
  });

  it('makes the same faults for the same events whatever order they arrive in', async () => {
    const statuses = async (order: number[]) => {
      const bearer = await accessToken();
      const seen: Record<string, number[]> = {};
      for (let round = 0; round < 2; round++) {
        for (const i of order) (seen[`r${i}`] ??= []).push((await send({ ...example('weather-alert.json'), referenceId: `r${i}` }, bearer)).status);
      }
      await emulator.close();
      return seen;
    };
    const forwards = Array.from({ length: 30 }, (_, i) => i);
    await start({ faults: { rate: 0.4, seed: 7 } });
    const first = await statuses(forwards);
    await start({ faults: { rate: 0.4, seed: 7 } });
    const reversed = await statuses([...forwards].reverse());
    await start(); // for afterEach
    expect(reversed).toEqual(first);
    // Each resend is a new draw: some event fails once and then gets through.
    expect(Object.values(first).some(([once, again]) => once !== 202 && again === 202)).toBe(true);
  });

  it("adds latency to Amazon's answers only, not to the page or /events", async () => {
    // In order, not in milliseconds: asked first, Amazon's answer still comes after the page's and /events'.
    await start();
    const bearer = await accessToken();
    emulator.setFaults({ latencyMs: 800 });
    const afterPages = async <T>(asked: Promise<T>): Promise<T> => {
      let answered = false;
      const answer = asked.then((value) => ((answered = true), value));
      await fetch(`${emulator.url}/events`);
      await fetch(`${emulator.url}/`);
      expect(answered).toBe(false);
      return answer;
    };
    // A token and an event at once, both of Amazon's APIs: their latencies overlap.
    const [renewed, sent] = await Promise.all([afterPages(accessToken()), afterPages(send(example('weather-alert.json'), bearer))]);
    expect(renewed).toEqual(expect.any(String));
    expect(sent.status).toBe(202);
  });
});

describe('the accepted events it keeps', () => {
  it('keeps the latest keepEvents, says how many it dropped, and still answers a repeat of a dropped one as a duplicate', async () => {
    await start({ keepEvents: 3 });
    const bearer = await accessToken();
    const body = (n: number) => ({ ...(example('weather-alert.json') as object), referenceId: `kept-${n}` });
    for (let n = 1; n <= 5; n++) expect((await send(body(n), bearer)).status).toBe(202);
    expect(emulator.accepted.map((event) => [event.id, event.referenceId])).toEqual([
      [3, 'kept-3'],
      [4, 'kept-4'],
      [5, 'kept-5'],
    ]);
    const events = await fetch(`${emulator.url}/events`);
    expect(events.headers.get('x-dropped-events')).toBe('2');
    expect(((await events.json()) as AcceptedEvent[]).map((event) => event.referenceId)).toEqual(['kept-3', 'kept-4', 'kept-5']);
    expect(await (await fetch(`${emulator.url}/stats`)).json()).toMatchObject({ accepted: 5, droppedEvents: 2 });
    expect((await send(body(1), bearer)).status).toBe(409);
    await fetch(`${emulator.url}/events`, { method: 'DELETE' });
    expect(await (await fetch(`${emulator.url}/stats`)).json()).toMatchObject({ accepted: 0, droppedEvents: 0 });
  });

  it('refuses a keepEvents or keepTokens that is no whole number from 1, naming it', async () => {
    await expect(createEmulator({ port: 0, keepEvents: 0 })).rejects.toThrow(/keepEvents: expected a whole number of at least 1 \(given 0\)/);
    await expect(createEmulator({ port: 0, keepTokens: 1.5 })).rejects.toThrow(/keepTokens: expected a whole number of at least 1 \(given 1.5\)/);
    await start();
  });
});
