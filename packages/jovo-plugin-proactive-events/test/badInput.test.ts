import { EVENT_NAMES, buildRequest, validateRequest } from 'alexa-proactive-events';
import { hiddenIntentName, triggerRequest, type TriggerData } from 'alexa-proactive-events/trigger';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import fc from 'fast-check';
import { TRIGGER_SECRET, close, eventRequests, startSkill } from './helpers/pipeline';
import { launchRequest } from './helpers/requests';
import { LOCAL_TEST_SKILL } from './helpers/app';

/**
 * Reliability: hundreds of generated bad inputs at the skill's door. Each gets a clear error (a JSON 4xx, or a
 * result naming its problems), nothing is sent, nothing crashes, and the skill keeps serving.
 */
const RUNS = 200;

/** An event as a trigger carries it, with any payload at all: only those the skill must refuse. */
const badEvents = fc
  .record({ name: fc.constantFrom(...EVENT_NAMES), payload: fc.jsonValue() as fc.Arbitrary<unknown> })
  .filter((event) => !validateRequest(buildRequest({ event, referenceId: 'bad' })).ok);

let amazon: Emulator;
let skill: Awaited<ReturnType<typeof startSkill>>;
beforeAll(async () => {
  amazon = await createEmulator({ port: 0 });
  skill = await startSkill([amazon]);
});
afterAll(async () => {
  // It still answers real work.
  try {
    const launch = await fetch(skill.url, { method: 'POST', body: JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.STILL-HERE' })) });
    expect(launch.status).toBe(200);
  } finally {
    await Promise.all([amazon.close(), close(skill.server)]);
  }
});

const post = (body: Uint8Array | string) => fetch(skill.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

it('answers random bytes and any JSON that is not an Alexa request with a JSON 4xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null')), async (body) => {
      const response = await post(body);
      expect([400, 413]).toContain(response.status);
      const json = (await response.json()) as { error: { code: string; message: string } };
      expect(json.error.message.length).toBeGreaterThan(5);
    }),
    { numRuns: RUNS },
  );
});

it('refuses a body over its limit with 413', async () => {
  const response = await post(JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) }));
  expect(response.status).toBe(413);
});

it('refuses a signed trigger carrying a bad event with its problems, and sends nothing', async () => {
  const sentBefore = eventRequests(amazon).length;
  await fc.assert(
    fc.asyncProperty(badEvents, async (event) => {
      const data: TriggerData = { event, referenceId: 'bad', stage: 'development' as const, explicitEndpoint: true };
      const body = JSON.stringify(triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: hiddenIntentName(event.name), data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET }));
      const response = await post(body);
      if (body.includes('"__proto__"')) {
        // Refused at the door, signed or not: Jovo's copy of the request would make that field its prototype.
        expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([400, 'BAD_FIELD']);
        return;
      }
      expect(response.status).toBe(200);
      const [result] = ((await response.json()) as { proactiveEvents: Array<{ status: string; errors: Array<{ path: string; message: string }> }> }).proactiveEvents;
      expect(result.status).toBe('rejected');
      expect(result.errors.length).toBeGreaterThan(0);
      for (const error of result.errors) expect(error.path).toMatch(/^event\.payload|^localizedAttributes|^$/);
    }),
    { numRuns: RUNS },
  );
  expect(eventRequests(amazon).length).toBe(sentBefore);
});
