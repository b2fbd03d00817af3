import type { SendResult } from '../src';
import { createEmulator } from '../src/emulator';
import { retryAfterMs } from '../src/send/sender';
import { EXAMPLE_FILES, example } from './helpers/fixtures';
import { CLIENT_ID, CLIENT_SECRET, sendingSetup } from './helpers/sending';

let setup: Awaited<ReturnType<typeof sendingSetup>>;
afterEach(() => setup?.close());

const weather = () => example('weather-alert.json');
const unicast = (user: string) => ({ ...weather(), relevantAudience: { type: 'Unicast', payload: { user } } });

describe('outcomes', () => {
  beforeEach(async () => (setup = await sendingSetup({ subscribers: { 'amzn1.ask.account.SUBSCRIBED': ['AMAZON.WeatherAlert.Activated'] } })));

  it('202: accepted, with Amazon\'s request id', async () => {
    const result = await setup.sender.send(weather(), setup.target);
    expect(result).toEqual({
      status: 'accepted',
      event: 'AMAZON.WeatherAlert.Activated',
      referenceId: 'schema-page-example-weather-alert',
      httpStatus: 202,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      errors: [],
      warnings: [],
      attempts: 1,
    });
    expect(setup.emulator.accepted).toHaveLength(1);
  });

  it('202 for a body in forms Amazon does not document, sent as given, with the warnings', async () => {
    // Java's OffsetDateTime writes a full minute without seconds; a field the schema page does not name.
    const body = { ...weather(), timestamp: '2026-11-22T10:00Z', extra: true };
    const result = await setup.sender.send(body, setup.target);
    expect(result).toMatchObject({ status: 'accepted', warnings: [{ path: 'timestamp', message: expect.stringMatching(/^has no seconds/) }, { path: 'extra' }] });
    expect(setup.emulator.accepted[0].request).toEqual(body);
  });

  it('409: duplicate, a success for a retry of an accepted event', async () => {
    await setup.sender.send(weather(), setup.target);
    await expect(setup.sender.send(weather(), setup.target)).resolves.toMatchObject({ status: 'duplicate', httpStatus: 409, errors: [] });
    expect(setup.emulator.accepted).toHaveLength(1);
  });

  it('the same referenceId for another audience is a new event', async () => {
    await setup.sender.send(weather(), setup.target);
    await expect(setup.sender.send(unicast('amzn1.ask.account.SUBSCRIBED'), setup.target)).resolves.toMatchObject({ status: 'accepted' });
  });

  it('400: rejected with Amazon\'s message, never retried', async () => {
    setup.emulator.setFaults({ script: [400] });
    const result = await setup.sender.send(weather(), setup.target);
    expect(result).toMatchObject({ status: 'rejected', httpStatus: 400, attempts: 1 });
    expect(result.errors[0].message).toBe('400: Amazon refused the event as malformed: Fault injected by the emulator (400)');
    expect(setup.sleeps).toEqual([]);
  });

  it('403: rejected after one token renewal, naming each cause and what to do, one a line, for a Unicast user who is not subscribed', async () => {
    const result = await setup.sender.send(unicast('amzn1.ask.account.SOMEONE'), setup.target);
    expect(result).toMatchObject({ status: 'rejected', httpStatus: 403, attempts: 2 });
    expect(result.errors[0].message).toBe(
      '403: Amazon refused the event: The user is not subscribed to AMAZON.WeatherAlert.Activated (subscribed here to: none; turn it on on the emulator\'s page or with PUT /subscriptions/<user>). One of these is the cause:\n' +
        "- the credentials are another skill's: the TokenClient's clientId and clientSecret must be this skill's Alexa Skill Messaging ones (Build > Permissions);\n" +
        "- the deployed skill does not publish AMAZON.WeatherAlert.Activated: add it to events.publications in the skill's manifest, and deploy the skill;\n" +
        "- for Unicast, the user has not turned notifications on for the skill (Alexa app, the skill's settings).",
    );
  });

  it('403 for an event the deployed manifest does not publish', async () => {
    const narrow = await sendingSetup({ publishedEvents: ['AMAZON.OrderStatus.Updated'] });
    try {
      const result = await narrow.sender.send(weather(), narrow.target);
      expect(result).toMatchObject({ status: 'rejected', httpStatus: 403, attempts: 2 });
      expect(result.errors[0].message).toMatch(/^403: Amazon refused the event: The skill does not publish AMAZON\.WeatherAlert\.Activated/);
      expect(narrow.emulator.accepted).toEqual([]);
    } finally {
      await narrow.close();
    }
  });

  it('432: rejected as over the notification limit, not retried', async () => {
    setup.emulator.setFaults({ script: [432] });
    const result = await setup.sender.send(weather(), setup.target);
    expect(result).toMatchObject({ status: 'rejected', httpStatus: 432, attempts: 1 });
    expect(result.errors[0].message).toMatch(/over its notification limit \(live skills only\); not retried/);
  });

  it.each([429, 500, 502, 503, 504])('%i: retried, then accepted', async (status) => {
    setup.emulator.setFaults({ script: [status], retryAfterSeconds: 2 });
    await expect(setup.sender.send(weather(), setup.target)).resolves.toMatchObject({ status: 'accepted', attempts: 2 });
    expect(setup.emulator.accepted).toHaveLength(1);
  });

  it('a dropped connection is retried', async () => {
    setup.emulator.setFaults({ script: ['drop'] });
    await expect(setup.sender.send(weather(), setup.target)).resolves.toMatchObject({ status: 'accepted', attempts: 2 });
  });
});

describe('retries', () => {
  beforeEach(async () => (setup = await sendingSetup()));

  it('429, 500, 503 then 202 ends in exactly one accepted event', async () => {
    setup.emulator.setFaults({ script: [429, 500, 503, 202], retryAfterSeconds: 3 });
    await expect(setup.sender.send(weather(), setup.target)).resolves.toMatchObject({ status: 'accepted', httpStatus: 202, attempts: 4 });
    expect(setup.emulator.accepted).toHaveLength(1);
    expect(setup.emulator.received.filter((r) => r.path.startsWith('/v1/')).map((r) => r.status)).toEqual([429, 500, 503, 202]);
  });

  it("waits as long as Retry-After asks, and backs off exponentially with jitter otherwise", async () => {
    setup.emulator.setFaults({ script: [429, 500, 503, 500], retryAfterSeconds: 7 });
    await setup.sender.send(weather(), setup.target);
    // random() is 0.5: half of 500, 1000 and 2000 ms after the 2nd, 3rd and 4th attempts.
    expect(setup.sleeps).toEqual([7000, 250, 500, 1000]);
  });

  it('stops at the attempt bound, reporting the last cause', async () => {
    setup.emulator.setFaults({ script: [503, 503, 503, 503, 503, 503, 503, 503] });
    const result = await setup.sender.send(weather(), setup.target);
    expect(result).toMatchObject({ status: 'failed', httpStatus: 503, attempts: 6 });
    expect(result.errors[0].message).toBe('Gave up after 6 attempts; last: Amazon answered 503: Fault injected by the emulator (503)');
    expect(setup.emulator.accepted).toEqual([]);
  });

  it('stops at the time bound rather than sleep past it', async () => {
    setup.emulator.setFaults({ script: [429, 429], retryAfterSeconds: 45 });
    const result = await setup.sender.send(weather(), setup.target);
    expect(result).toMatchObject({ status: 'failed', attempts: 2 });
    expect(result.errors[0].message).toMatch(/^Gave up within 60 s; last: Amazon answered 429/);
    expect(setup.sleeps).toEqual([45000]);
  });

  it('gives up on a server that never answers in time, with the timeout as cause', async () => {
    await setup.close();
    setup = await sendingSetup({ faults: { latencyMs: 300 } }, { timeoutMs: 50, retry: { attempts: 2 } });
    const result = await setup.sender.send(weather(), setup.target);
    expect(result).toMatchObject({ status: 'failed', httpStatus: null, attempts: 2 });
    expect(result.errors[0].message).toMatch(/failed: ETIMEDOUT: no answer within 50 ms$/);
  });

  it('renews an access token Amazon refuses, once, without a pause', async () => {
    await setup.sender.send(weather(), setup.target);
    setup.emulator.expireTokens();
    const result = await setup.sender.send(example('message-alert.json'), setup.target);
    expect(result).toMatchObject({ status: 'accepted', attempts: 2 });
    expect(setup.emulator.tokensIssued).toBe(2);
    expect(setup.sleeps).toEqual([]);
  });

  it("renews for a 403 whatever its wording, and at most once in 5 minutes: a fan-out to users who are not subscribed asks for one token more, not one each", async () => {
    const subscribed = await sendingSetup({ subscribers: {} });
    try {
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await subscribed.sender.send(unicast(`amzn1.ask.account.OFF-${i}`), subscribed.target));
      expect(results.map((result) => [result.status, result.attempts])).toEqual([['rejected', 2], ['rejected', 1], ['rejected', 1], ['rejected', 1], ['rejected', 1]]);
      expect(subscribed.emulator.tokensIssued).toBe(2);
      subscribed.clock.now += 5 * 60_000;
      const later = { ...unicast('amzn1.ask.account.OFF-5'), timestamp: new Date(subscribed.clock.now).toISOString(), expiryTime: new Date(subscribed.clock.now + 3_600_000).toISOString() };
      expect((await subscribed.sender.send(later, subscribed.target)).attempts).toBe(2);
    } finally {
      await subscribed.close();
    }
  });

  it('refreshes the token after it expires, without a refused request', async () => {
    await setup.sender.send(weather(), setup.target);
    setup.clock.now += 3600 * 1000;
    const fresh = { ...example('message-alert.json'), timestamp: new Date(setup.clock.now).toISOString(), expiryTime: new Date(setup.clock.now + 3_600_000).toISOString() };
    await expect(setup.sender.send(fresh, setup.target)).resolves.toMatchObject({ status: 'accepted', attempts: 1 });
    expect(setup.emulator.tokensIssued).toBe(2);
  });
});

describe('before anything is sent', () => {
  beforeEach(async () => (setup = await sendingSetup()));

  it('refuses an invalid event with every problem, making no request at all', async () => {
    const result = await setup.sender.send({ ...weather(), referenceId: '', relevantAudience: { type: 'Unicast', payload: {} } }, setup.target);
    expect(result).toMatchObject({
      status: 'rejected',
      httpStatus: null,
      attempts: 0,
      errors: [{ path: 'referenceId' }, { path: 'relevantAudience.payload.user' }],
    });
    expect(setup.emulator.received).toEqual([]);
  });

  it('sends the token to no origin outside Amazon and the listed ones: that server sees nothing', async () => {
    const stranger = await createEmulator({ port: 0 });
    try {
      const result = await setup.sender.send(weather(), { apiEndpoint: stranger.url });
      expect(result).toMatchObject({ status: 'rejected', httpStatus: null, attempts: 0 });
      expect(result.errors[0]).toMatchObject({ path: 'apiEndpoint', value: stranger.url });
      // The origins in force are named, so a mistyped port shows beside the right one.
      expect(result.errors[0].message).toMatch(/may not receive the access token: only Amazon's hosts .* and the sender's allowedOrigins \(http:\/\/127\.0\.0\.1:\d+\) do$/);
      expect(result.errors[0].message).toContain(`allowedOrigins (${setup.emulator.url})`);
      expect(stranger.received).toEqual([]);
      expect(setup.emulator.received).toEqual([]); // not even a token was fetched
    } finally {
      await stranger.close();
    }
  });

  it.each(['https://api.amazonalexa.com/v1/other', 'ftp://api.amazonalexa.com', 'not a url'])('refuses %s as an apiEndpoint', async (apiEndpoint) => {
    const result = await setup.sender.send(weather(), { apiEndpoint });
    expect(result).toMatchObject({ status: 'rejected', errors: [{ path: 'apiEndpoint', message: expect.stringMatching(/^expected an origin/) }] });
  });

  it('reports credentials Login with Amazon refuses as rejected, with the explanation', async () => {
    await setup.close();
    setup = await sendingSetup({ clients: { 'another-client': 'x' } });
    const result = await setup.sender.send(weather(), setup.target);
    expect(result).toMatchObject({ status: 'rejected', httpStatus: null, attempts: 0 });
    expect(result.errors[0].message).toMatch(/invalid_client.*Alexa Skill Messaging client id and secret/);
  });
});

describe('unicast: one event to many users', () => {
  const users = ['amzn1.ask.account.ONE', 'amzn1.ask.account.TWO'];
  beforeEach(async () => (setup = await sendingSetup({ subscribers: Object.fromEntries(users.map((user) => [user, ['AMAZON.WeatherAlert.Activated']])) })));

  it("sends each user the event, with send's result and record for that user's body", async () => {
    const records: unknown[] = [];
    await setup.close();
    setup = await sendingSetup({ subscribers: Object.fromEntries(users.map((user) => [user, ['AMAZON.WeatherAlert.Activated']])) }, { onSend: (record) => void records.push(record) });
    const body = { ...weather(), extra: true };
    const send = setup.sender.unicast(body);
    const results = await Promise.all(users.map((user) => send(user, setup.target)));
    expect(results).toEqual(users.map((user) => expect.objectContaining({ status: 'accepted', user, warnings: [expect.objectContaining({ path: 'extra' })] })));
    expect(setup.emulator.accepted.map((accepted) => accepted.request)).toEqual(users.map((user) => ({ ...body, relevantAudience: { type: 'Unicast', payload: { user } } })));
    expect(records).toEqual(users.map(() => expect.objectContaining({ audience: 'Unicast', status: 'accepted', userHash: expect.any(String) })));
  });

  it("refuses as send does an invalid event, an empty user, and an event that expired since", async () => {
    const invalid = setup.sender.unicast({ ...weather(), referenceId: '' });
    await expect(invalid(users[0], setup.target)).resolves.toEqual(await setup.sender.send({ ...unicast(users[0]), referenceId: '' }, setup.target));
    const send = setup.sender.unicast(weather());
    await expect(send('', setup.target)).resolves.toMatchObject({ status: 'rejected', errors: [{ path: 'relevantAudience.payload.user' }] });
    setup.clock.now = Date.parse(weather().expiryTime);
    await expect(send(users[0], setup.target)).resolves.toMatchObject({ status: 'rejected', errors: [{ path: 'expiryTime', message: expect.stringMatching(/^has passed/) }] });
    expect(setup.emulator.accepted).toEqual([]);
  });
});

describe('at scale', () => {
  // A seed's faults are the same on every run, whatever the interleaving: these tests cannot flake.
  beforeEach(async () => (setup = await sendingSetup({ faults: { rate: 0.2, seed: 42, retryAfterSeconds: 0, dropRate: 0.05 } })));

  it('sends a hundred events at once with one token request and a few kept-alive connections', async () => {
    const bodies = Array.from({ length: 100 }, (_, i) => ({ ...weather(), referenceId: `weather-${i}` }));
    const results = await Promise.all(bodies.map((body) => setup.sender.send(body, setup.target)));
    expect(results.filter((r) => r.status !== 'accepted')).toEqual([]);
    expect(new Set(setup.emulator.accepted.map((a) => a.referenceId)).size).toBe(100);
    expect(setup.emulator.accepted).toHaveLength(100);
    expect(setup.tokens.requests).toBe(1);
    expect(setup.emulator.received.filter((r) => r.status !== null && r.status >= 429).length).toBeGreaterThan(10);
  });

  it('delivers every schema page example exactly once through faults', async () => {
    const results: SendResult[] = await Promise.all(EXAMPLE_FILES.map((file) => setup.sender.send(example(file), setup.target)));
    expect(results.map((r) => r.status)).toEqual(EXAMPLE_FILES.map(() => 'accepted'));
    expect(setup.emulator.accepted.map((a) => a.referenceId).sort()).toEqual(EXAMPLE_FILES.map((f) => `schema-page-example-${f.replace('.json', '')}`).sort());
    expect(setup.emulator.tokensIssued).toBe(1);
  });
});

it('keeps connections alive between sequential sends', async () => {
  setup = await sendingSetup();
  for (let i = 0; i < 20; i++) await setup.sender.send({ ...weather(), referenceId: `keep-alive-${i}` }, setup.target);
  expect(setup.emulator.accepted).toHaveLength(20);
  // Tokens and events go over one transport: one connection carried the token request and all twenty events.
  expect(setup.emulator.connections).toBe(1);
});

it('puts no secret and no token into results', async () => {
  setup = await sendingSetup();
  setup.emulator.setFaults({ script: [503, 'drop', 400] });
  const token = await setup.tokens.token();
  const results = [await setup.sender.send(weather(), setup.target), await setup.sender.send(unicast('u'), { apiEndpoint: 'http://127.0.0.1:9' })];
  const printed = JSON.stringify(results);
  expect(printed).not.toContain(CLIENT_SECRET);
  expect(printed).not.toContain(token);
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000],
    ['Sun, 22 Nov 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('reads %p as %p ms', (header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms);
  });
});

describe('check', () => {
  it('validates, checks the origin and gets a token, and sends nothing and records nothing', async () => {
    const records: unknown[] = [];
    setup = await sendingSetup({}, { onSend: (record) => records.push(record) });
    await expect(setup.sender.check(weather(), setup.target)).resolves.toEqual({ errors: [], warnings: [], origin: setup.emulator.url, stage: 'development', token: { ok: true } });
    const refused = await setup.sender.check({ ...weather(), event: { name: 'AMAZON.WeatherAlert.Activated', payload: {} } }, { apiEndpoint: 'https://api.evil.test' });
    expect(refused.errors.map((issue) => issue.path)).toEqual(['event.payload.weatherAlert']);
    const origin = await setup.sender.check(weather(), { apiEndpoint: 'https://api.evil.test', stage: 'live' });
    expect(origin).toMatchObject({ origin: 'https://api.evil.test', stage: 'live', errors: [{ path: 'apiEndpoint', message: expect.stringContaining('may not receive the access token') }] });
    expect(setup.emulator.accepted).toHaveLength(0);
    expect(setup.emulator.received.filter((request) => request.path.startsWith('/v1/'))).toHaveLength(0);
    expect(setup.tokens.requests).toBe(1);
    expect(records).toEqual([]);
  });

  it('reports a refused token by its code and message, never the secret', async () => {
    setup = await sendingSetup({ clients: { [CLIENT_ID]: 'another secret' } });
    const checked = await setup.sender.check(weather(), setup.target);
    expect(checked.token).toEqual({ ok: false, code: 'ERR_INVALID_CLIENT', message: expect.stringContaining('invalid_client') });
    expect(JSON.stringify(checked)).not.toContain(CLIENT_SECRET);
  });
});
