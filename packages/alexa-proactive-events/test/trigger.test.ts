import { ReplayGuard, checkReplay, triggerRequest, verifyTrigger, type TriggerAudience, type TriggerData } from '../src/trigger';

const SECRET = 'a-trigger-secret-of-enough-length';
const NOW = Date.parse('2026-11-22T10:00:00Z');
const SKILL_A = 'amzn1.ask.skill.00000000-0000-0000-0000-00000000000a';
const SKILL_B = 'amzn1.ask.skill.00000000-0000-0000-0000-00000000000b';
/** The deployment the tests' skill is: skill A at the development stage. */
const AUDIENCE: TriggerAudience = { skillId: SKILL_A, stage: 'development' };
const data: TriggerData = {
  event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'TORNADO' } } },
  referenceId: 'weather-1',
  stage: 'development',
  explicitEndpoint: false,
};

function signed(overrides: Partial<Parameters<typeof triggerRequest>[0]> = {}) {
  // A copy of the data for each: tests change what they get.
  return triggerRequest({ skillId: SKILL_A, intent: 'WeatherAlertIntent', data: structuredClone(data), apiEndpoint: 'https://api.amazonalexa.com', locale: 'en-US', secret: SECRET, now: () => NOW, ...overrides });
}

/** What a skill makes of a trigger: the door's verification, then its replay guard. */
async function check(body: unknown, { secret = SECRET, now = NOW, replays = new ReplayGuard(), audience = AUDIENCE } = {}) {
  const verdict = verifyTrigger(body, { secret, audience, now: () => now });
  if (!verdict.ok) return verdict;
  const replayed = await checkReplay(replays, verdict.trigger.requestId, now);
  return replayed ? { ok: false, reason: replayed } : verdict;
}

it('builds a synthetic IntentRequest for the hidden intent, with the trigger in the body', () => {
  const body = signed();
  expect(body.request).toMatchObject({ type: 'IntentRequest', intent: { name: 'WeatherAlertIntent' }, timestamp: '2026-11-22T10:00:00.000Z', locale: 'en-US' });
  expect(body.context.System.apiEndpoint).toBe('https://api.amazonalexa.com');
  expect(body.trigger.data).toEqual(data);
  expect(body.context.System.application.applicationId).toBe(SKILL_A);
  expect(body.trigger.signature).toMatch(/^v3=[0-9a-f]{64}$/);
  expect(JSON.stringify(body)).not.toContain(SECRET);
});

it('accepts a trigger signed with the secret, within five minutes', async () => {
  expect(await check(signed())).toEqual({
    ok: true,
    trigger: {
      intent: 'WeatherAlertIntent',
      event: 'AMAZON.WeatherAlert.Activated',
      data,
      apiEndpoint: 'https://api.amazonalexa.com',
      requestId: expect.stringMatching(/^trigger\./),
      request: expect.objectContaining({ request: expect.objectContaining({ intent: { name: 'WeatherAlertIntent', confirmationStatus: 'NONE' } }) }),
    },
  });
  expect((await check(signed(), { now: NOW + 5 * 60_000 })).ok).toBe(true);
});

it('survives a relay that re-serializes the body: other spacing, escapes, number forms and outer key order', async () => {
  const body = signed({ data: { ...structuredClone(data), expiresInMinutes: 60, localizedAttributes: [{ locale: 'de-DE', source: 'Wetterdienst Köln' }] } });
  const { trigger, ...rest } = body;
  const rewritten = JSON.stringify({ trigger, ...rest }, null, 2).replace('TORNADO', '\\u0054ORNADO').replace('Köln', 'K\\u00f6ln').replace(': 60', ': 6.0e1');
  expect(rewritten).toContain('\\u0054ORNADO');
  expect((await check(JSON.parse(rewritten))).ok).toBe(true);
});

it('refuses a trigger signed as v2 or v1, naming the versions', async () => {
  for (const old of ['v2', 'v1']) {
    const body = signed();
    body.trigger.signature = body.trigger.signature.replace('v3=', `${old}=`);
    expect(await check(body)).toEqual({ ok: false, code: 'ERR_SIGNATURE_VERSION', reason: `the trigger is signed as ${old}; this skill takes v3 (update what signed it)` });
  }
});

describe('a trigger names its audience', () => {
  it('is refused by another skill that shares the secret, and says which', async () => {
    expect(await check(signed(), { audience: { skillId: SKILL_B, stage: 'development' } })).toEqual({
      ok: false,
      code: 'ERR_AUDIENCE',
      reason: `the trigger is for the skill "${SKILL_A}" at the development stage, and this is the skill "${SKILL_B}" at the development stage: another skill; sign it for this one`,
    });
  });

  it('is refused by the same skill at another stage', async () => {
    expect(await check(signed(), { audience: { skillId: SKILL_A, stage: 'live' } })).toEqual({
      ok: false,
      code: 'ERR_AUDIENCE',
      reason: `the trigger is for the skill "${SKILL_A}" at the development stage, and this is the skill "${SKILL_A}" at the live stage: another stage; sign it for this one`,
    });
  });

  it('cannot be moved to another skill or stage: the signature covers both', async () => {
    const moved = signed();
    moved.context.System.application.applicationId = SKILL_B;
    moved.session.application.applicationId = SKILL_B;
    expect(await check(moved, { audience: { skillId: SKILL_B, stage: 'development' } })).toEqual({
      ok: false,
      code: 'ERR_SIGNATURE',
      reason: 'the signature does not match: another secret, or the request was changed after signing',
    });
    const live = signed();
    live.trigger.data.stage = 'live';
    expect(await check(live, { audience: { skillId: SKILL_A, stage: 'live' } })).toMatchObject({ ok: false, reason: expect.stringMatching(/^the signature does not match/) });
  });

  it('shows an audience it refuses on one line, whatever the signer put in it', async () => {
    const forged = signed({ skillId: 'skill\n\u001b[2J' });
    const verdict = await check(forged);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('"skill\\n\\u001b[2J"') });
    expect((verdict as { reason: string }).reason).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('refuses', () => {
  it('every trigger when the skill has no secret', async () => {
    expect(await check(signed(), { secret: '' })).toEqual({ ok: false, code: 'ERR_NO_SECRET', reason: "the verifier's secret is empty, so it accepts no trigger" });
  });

  it('a request without a trigger: a real Alexa request naming the hidden intent', async () => {
    const { trigger, ...alexa } = signed();
    expect(trigger).toBeDefined();
    expect(await check(alexa)).toEqual({ ok: false, code: 'ERR_NOT_SIGNED', reason: 'the request carries no signed trigger' });
  });

  it('a trigger signed with another secret', async () => {
    expect(await check(signed({ secret: 'another-secret-of-enough-length' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^the signature does not match/) });
  });

  it.each([
    ['event', (body: ReturnType<typeof signed>) => ((body.trigger.data.event.payload as { weatherAlert: { alertType: string } }).weatherAlert.alertType = 'HURRICANE')],
    ['audience', (body: ReturnType<typeof signed>) => (body.trigger.data.users = ['amzn1.ask.account.other'])],
    ['intent', (body: ReturnType<typeof signed>) => (body.request.intent.name = 'OrderStatusIntent')],
    ['apiEndpoint', (body: ReturnType<typeof signed>) => (body.context.System.apiEndpoint = 'https://api.eu.amazonalexa.com')],
    ['timestamp', (body: ReturnType<typeof signed>) => (body.request.timestamp = '2026-11-22T10:01:00.000Z')],
    ['request id', (body: ReturnType<typeof signed>) => (body.request.requestId = 'trigger.other')],
  ])('a trigger whose %s was changed after signing', async (_, change) => {
    const body = signed();
    change(body);
    expect(await check(body)).toMatchObject({ ok: false, reason: expect.stringMatching(/^the signature does not match/) });
  });

  it('a trigger older than five minutes, or from more than five minutes ahead', async () => {
    expect(await check(signed(), { now: NOW + 5 * 60_000 + 1000 })).toEqual({ ok: false, code: 'ERR_TRIGGER_AGE', reason: 'the trigger is 301 s old; triggers are accepted for 5 minutes' });
    expect((await check(signed(), { now: NOW - 5 * 60_000 - 1000 })).ok).toBe(false);
  });

  it('a replayed trigger', async () => {
    const replays = new ReplayGuard();
    const body = signed();
    expect((await check(body, { replays })).ok).toBe(true);
    expect(await check(body, { replays })).toEqual({ ok: false, reason: `request ${body.request.requestId} was already used: a replayed trigger` });
  });

  it('a trigger signed for the hidden intent of another event than it carries', async () => {
    expect(await check(signed({ intent: 'OrderStatusIntent' }))).toEqual({ ok: false, code: 'ERR_EVENT_MISMATCH', reason: 'OrderStatusIntent sends AMAZON.OrderStatus.Updated, not AMAZON.WeatherAlert.Activated' });
  });

  it('a malformed trigger signed with the secret, naming what is wrong', async () => {
    const body = signed({ data: { ...data, referenceId: undefined } as unknown as TriggerData });
    expect(await check(body)).toMatchObject({ ok: false, code: 'ERR_TRIGGER_MALFORMED', reason: 'the trigger is malformed', issues: [{ path: 'trigger.data.referenceId' }] });
  });

  it('a trigger it cannot verify without reading or showing any more of it', async () => {
    const padding = 'x'.repeat(900 * 1024);
    const unsigned = { ...signed({ secret: 'another-secret-of-enough-length' }), padding };
    (unsigned.trigger.data as unknown as Record<string, unknown>).unknownKey = padding;
    const result = await check(unsigned);
    expect(result).toEqual({ ok: false, code: 'ERR_SIGNATURE', reason: 'the signature does not match: another secret, or the request was changed after signing' });
    const noData = { request: { intent: { name: 'WeatherAlertIntent' } }, trigger: { padding } };
    expect(await check(noData)).toEqual({ ok: false, code: 'ERR_NOT_SIGNED', reason: 'the request carries no signed trigger' });
  });
});

describe('verifyTrigger, the check at the door', () => {
  const verify = (body: unknown) => verifyTrigger(body, { secret: SECRET, audience: AUDIENCE, now: () => NOW });

  it('holds for a fresh signed trigger, and says nothing of a body it refuses', () => {
    expect(verify(signed())).toEqual({ ok: true, trigger: expect.objectContaining({ event: 'AMAZON.WeatherAlert.Activated' }) });
    expect(verify({ trigger: 'x'.repeat(1000) })).toEqual({ ok: false, code: 'ERR_NOT_SIGNED', reason: 'the request carries no signed trigger' });
    expect(verifyTrigger(signed(), { secret: undefined, audience: AUDIENCE })).toEqual({ ok: false, code: 'ERR_NO_SECRET', reason: "the verifier's secret is missing, so it accepts no trigger" });
    expect(verify(signed({ now: () => NOW - 3_600_000 }))).toEqual({ ok: false, code: 'ERR_TRIGGER_AGE', reason: 'the trigger is 3600 s old; triggers are accepted for 5 minutes' });
  });

  it('refuses a captured trigger turned into another kind of request, whose signature still holds', () => {
    const reason = 'a trigger is an IntentRequest for a hidden intent; this one was changed after signing';
    const skillEvent = signed() as unknown as { request: Record<string, unknown>; context: { System: { user: { userId: string } } } };
    skillEvent.request.type = 'AlexaSkillEvent.ProactiveSubscriptionChanged';
    skillEvent.request.body = { subscriptions: [] };
    skillEvent.context.System.user.userId = 'amzn1.ask.account.VICTIM';
    expect(verify(skillEvent)).toEqual({ ok: false, code: 'ERR_NOT_HIDDEN_INTENT', reason });
    expect(verify(signed({ intent: 'AMAZON.HelpIntent' }))).toEqual({ ok: false, code: 'ERR_NOT_HIDDEN_INTENT', reason });
  });
});

it('forgets request ids once they could no longer be accepted anyway', () => {
  const replays = new ReplayGuard();
  expect(replays.use('a', NOW)).toBe('first');
  expect(replays.use('a', NOW + 9 * 60_000)).toBe('replayed');
  expect(replays.use('b', NOW + 11 * 60_000)).toBe('first');
  expect(replays.use('a', NOW + 11 * 60_000)).toBe('first');
});

it('refuses new triggers when full rather than forget one that could be replayed', () => {
  const replays = new ReplayGuard(2);
  expect([replays.use('a', NOW), replays.use('b', NOW), replays.use('c', NOW), replays.use('a', NOW)]).toEqual(['first', 'first', 'full', 'replayed']);
  expect(replays.use('c', NOW + 11 * 60_000)).toBe('first');
});

it('hands on a verified trigger as the request of its signed parts alone, whatever else came with it', () => {
  const body = signed();
  expect(verifyTrigger(body, { secret: SECRET, audience: AUDIENCE, now: () => NOW })).toMatchObject({ ok: true, trigger: { request: body } });
  const dressed = JSON.parse(JSON.stringify(body));
  dressed.session = { new: false, sessionId: 'other', attributes: { _JOVO_STATE_: 'Checkout' }, user: { userId: 'amzn1.ask.account.VICTIM' } };
  dressed.context.System.user.userId = 'amzn1.ask.account.VICTIM';
  dressed.request.intent.slots = { item: { name: 'item', value: 'x' } };
  dressed.request.locale = 'not a locale';
  dressed.extra = { anything: true };
  const verdict = verifyTrigger(dressed, { secret: SECRET, audience: AUDIENCE, now: () => NOW });
  expect(verdict).toMatchObject({ ok: true, trigger: { request: { ...body, request: { ...body.request, locale: 'en-US' } } } });
  expect(JSON.stringify(verdict)).not.toMatch(/VICTIM|Checkout|anything|slots/);
});

it('accepts no trigger while the secret is too short to be safe, saying so without showing it', () => {
  const weak = 'hunter2';
  expect(verifyTrigger(signed({ secret: weak }), { secret: weak, audience: AUDIENCE, now: () => NOW })).toEqual({
    ok: false,
    code: 'ERR_WEAK_SECRET',
    reason: "the verifier's secret is too short (7 characters); use at least 16, e.g. the output of `openssl rand -hex 32`, so it accepts no trigger",
  });
});
