import fc from 'fast-check';
import { buildRequest, createEmulator, triggerRequest, validateRequest, type Emulator, type TriggerData } from '../../src/proactive';
import { EXAMPLE_FILES, example } from '../helpers/fixtures';
import { TRIGGER_SECRET, close, eventRequests, startSkill } from '../helpers/pipeline';
import { launchRequest } from '../helpers/requests';
import { sendingSetup } from '../helpers/sending';

/**
 * Reliability: hundreds of generated bad inputs. Each gets a clear error (a field path and a message, or a JSON
 * 4xx), nothing is sent, nothing crashes, and the servers keep serving.
 */
const RUNS = 200;

/** A valid example with one thing changed: a field removed, replaced by any JSON value, or added. */
const mutatedExample = fc
  .record({
    file: fc.constantFrom(...EXAMPLE_FILES),
    pick: fc.nat(),
    change: fc.oneof(fc.constant({ kind: 'delete' as const }), fc.record({ kind: fc.constant('replace' as const), value: fc.jsonValue() }), fc.record({ kind: fc.constant('add' as const), key: fc.string({ minLength: 1, maxLength: 12 }), value: fc.jsonValue() })),
  })
  .map(({ file, pick, change }) => {
    const body = example(file);
    const places: Array<[Record<string, unknown>, string]> = [];
    const walk = (node: unknown) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) {
        places.push([node as Record<string, unknown>, key]);
        walk(child);
      }
    };
    walk(body);
    const [parent, key] = places[pick % places.length];
    if (change.kind === 'delete') delete parent[key];
    else if (change.kind === 'replace') parent[key] = change.value;
    else (typeof parent[key] === 'object' && parent[key] !== null ? (parent[key] as Record<string, unknown>) : parent)[change.key] = change.value;
    return body;
  });

function expectClearIssues(result: ReturnType<typeof validateRequest>): void {
  if (result.ok) return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.length).toBeGreaterThan(3);
  }
}

describe('validate', () => {
  it('never throws on any JSON value, and names what is wrong', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validateRequest(value);
        expect(result.ok).toBe(false);
        expectClearIssues(result);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on a mutated valid event, and names every problem', () => {
    fc.assert(fc.property(mutatedExample, (body) => expectClearIssues(validateRequest(body))), { numRuns: RUNS * 2 });
  });
});

describe('the sender', () => {
  let setup: Awaited<ReturnType<typeof sendingSetup>>;
  beforeAll(async () => (setup = await sendingSetup()));
  afterAll(() => setup.close());

  it('sends a mutated event exactly when validation accepts it, and only once', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedExample, fc.uuid(), async (body, referenceId) => {
        const valid = validateRequest({ ...body, referenceId }).ok;
        const before = eventRequests(setup.emulator).length;
        const result = await setup.sender.send({ ...body, referenceId }, setup.target);
        expect(eventRequests(setup.emulator).length - before).toBe(valid ? 1 : 0);
        expect(result.status).toBe(valid ? 'accepted' : 'rejected');
        if (!valid) expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('servers under bad input', () => {
  let amazon: Emulator;
  let skill: Awaited<ReturnType<typeof startSkill>>;
  let token: string;
  beforeAll(async () => {
    amazon = await createEmulator({ port: 0 });
    skill = await startSkill([amazon]);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y', scope: 'alexa::proactive_events' });
    token = ((await (await fetch(`${amazon.url}/auth/o2/token`, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    // Both still answer real work.
    try {
      const launch = await fetch(skill.url, { method: 'POST', body: JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.STILL-HERE' })) });
      expect(launch.status).toBe(200);
      const current = { ...example('weather-alert.json'), timestamp: new Date().toISOString(), expiryTime: new Date(Date.now() + 3_600_000).toISOString() };
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const event = await fetch(`${amazon.url}/v1/proactiveEvents/stages/development`, { method: 'POST', headers, body: JSON.stringify(current) });
      expect(event.status).toBe(202);
    } finally {
      await Promise.all([amazon.close(), close(skill.server)]);
    }
  });

  const post = (url: string, body: Uint8Array | string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('the webhook answers random bytes and any JSON that is not an Alexa request with a JSON 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null')), async (body) => {
        const response = await post(skill.url, body);
        expect([400, 413]).toContain(response.status);
        const json = (await response.json()) as { error: { code: string; message: string } };
        expect(json.error.message.length).toBeGreaterThan(5);
      }),
      { numRuns: RUNS },
    );
  });

  it('the webhook refuses a body over its limit with 413', async () => {
    const response = await post(skill.url, JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) }));
    expect(response.status).toBe(413);
  });

  it('the emulator answers any body with 400 and a message, accepting nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 512 }), mutatedExample.filter((body) => !validateRequest(body).ok).map((body) => JSON.stringify(body))), async (body) => {
        const response = await post(`${amazon.url}/v1/proactiveEvents/stages/development`, body, { authorization: `Bearer ${token}` });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { message: string }).message.length).toBeGreaterThan(5);
      }),
      { numRuns: RUNS },
    );
    expect(amazon.accepted).toEqual([]);
  });

  it('a signed trigger carrying a bad event is refused with its problems, and reaches nobody', async () => {
    const sentBefore = eventRequests(amazon).length;
    // The event of a mutated example, as a trigger carries it; only those the skill must refuse.
    const badEvents = mutatedExample
      .map((body) => {
        const event = (body as { event?: { name?: unknown; payload?: unknown } }).event;
        const name = typeof event?.name === 'string' ? event.name : 'AMAZON.WeatherAlert.Activated';
        return { name, payload: event?.payload };
      })
      .filter((event) => !validateRequest(buildRequest({ event, referenceId: 'bad' })).ok);
    await fc.assert(
      fc.asyncProperty(badEvents, async (event) => {
        const data: TriggerData = { event, referenceId: 'bad', explicitEndpoint: true };
        const intent = /^AMAZON\.\w+\./.test(event.name) ? `${event.name.split('.')[1]}Intent` : 'WeatherAlertIntent';
        const response = await post(skill.url, JSON.stringify(triggerRequest({ intent, data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET })));
        expect(response.status).toBe(200);
        const [result] = ((await response.json()) as { proactiveEvents: Array<{ status: string; errors: unknown[] }> }).proactiveEvents;
        expect(result.status).toBe('rejected');
        expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
    expect(eventRequests(amazon).length).toBe(sentBefore);
  });
});
