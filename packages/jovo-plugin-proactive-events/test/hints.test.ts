import { ProactiveEventsSender, TokenClient, buildRequest, type TokenErrorCode } from 'alexa-proactive-events';
import { triggerRequest, verifyTrigger } from 'alexa-proactive-events/trigger';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { credentialsFix, resultHints, triggerRefusalReason } from '../src/hints';

/** The library names its options; these check that the plugin says them as a project of it sets them. */
const CLIENT = { clientId: 'amzn1.application-oa2-client.hints', clientSecret: 'hints-secret' };
const WEATHER = { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { source: 'localizedattribute:source', alertType: 'TORNADO' } } } as const;
const localizedAttributes = [{ locale: 'en-US', source: 'Weather Knows' }];

let emulator: Emulator;
let sender: ProactiveEventsSender;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, clients: { [CLIENT.clientId]: CLIENT.clientSecret } });
  const tokens = new TokenClient({ ...CLIENT, tokenUrl: `${emulator.url}/auth/o2/token` });
  sender = new ProactiveEventsSender({ tokens, allowedOrigins: [emulator.url], sleep: async () => {} });
});
afterAll(() => emulator.close());

it("points a 403 at the project's credentials, and at app.json and build:platform for the published events", async () => {
  // Amazon answers 403 for an event the deployed manifest does not publish.
  const narrow = await createEmulator({ port: 0, clients: { [CLIENT.clientId]: CLIENT.clientSecret }, publishedEvents: ['AMAZON.OrderStatus.Updated'] });
  try {
    const tokens = new TokenClient({ ...CLIENT, tokenUrl: `${narrow.url}/auth/o2/token` });
    const result = await new ProactiveEventsSender({ tokens, allowedOrigins: [narrow.url] }).send(buildRequest({ event: WEATHER, localizedAttributes }), { apiEndpoint: narrow.url });
    expect(result).toMatchObject({ status: 'rejected', httpStatus: 403 });
    expect(resultHints(result)).toEqual([
      "the skill's credentials are its ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET; to publish an event, list the event in app.json, run npm run build:platform, and deploy the skill",
    ]);
  } finally {
    await narrow.close();
  }
});

it('names PROACTIVE_API_ENDPOINTS for an origin the sender does not allow, and nothing for a send that went', async () => {
  const refused = await sender.send(buildRequest({ event: WEATHER, localizedAttributes }), { apiEndpoint: 'http://127.0.0.1:9' });
  expect(refused.errors).toMatchObject([{ path: 'apiEndpoint', message: expect.stringContaining("the sender's allowedOrigins") }]);
  expect(resultHints(refused)).toEqual(["the skill's allowed origins are its PROACTIVE_API_ENDPOINTS (where it runs)"]);
  const notAnOrigin = await sender.send(buildRequest({ event: WEATHER, localizedAttributes }), { apiEndpoint: 'http://127.0.0.1:9/v1' });
  expect(resultHints(notAnOrigin)).toEqual([]);
  const accepted = await sender.send(buildRequest({ event: WEATHER, localizedAttributes }), { apiEndpoint: emulator.url });
  expect(accepted.status).toBe('accepted');
  expect(resultHints(accepted)).toEqual([]);
});

it.each<[TokenErrorCode | undefined, RegExp | undefined]>([
  ['ERR_INVALID_CLIENT', /^Set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET to the skill's Alexa Skill Messaging client id and secret/],
  ['ERR_INVALID_SCOPE', /^Set ALEXA_CLIENT_ID .* If they are, the deployed skill publishes no events: list the event in app\.json, run npm run build:platform/],
  ['ERR_TOKEN_UNAVAILABLE', undefined],
  [undefined, undefined],
])('says what to do about credentials Login with Amazon refused (%s)', (code, fix) => {
  if (fix) expect(credentialsFix(code)).toMatch(fix);
  else expect(credentialsFix(code)).toBeUndefined();
});

it("names the verifier's secret TRIGGER_SECRET at the door, without showing it", () => {
  const audience = { skillId: 'amzn1.ask.skill.hints', stage: 'development' as const };
  const trigger = triggerRequest({ ...audience, intent: 'WeatherAlertIntent', data: { event: WEATHER, stage: 'development', referenceId: 'r' } as never, apiEndpoint: emulator.url, locale: 'en-US', secret: 'x'.repeat(32) });
  const reason = (secret: string | undefined) => {
    const verdict = verifyTrigger(trigger, { secret, audience });
    return verdict.ok ? 'admitted' : triggerRefusalReason(verdict, secret);
  };
  expect(reason(undefined)).toBe('the skill has no TRIGGER_SECRET, so it accepts no trigger');
  expect(reason('hunter2')).toBe("the skill's TRIGGER_SECRET is too short (7 characters); use at least 16, e.g. the output of `openssl rand -hex 32`, so it accepts no trigger");
  expect(reason('y'.repeat(32))).toBe('the signature does not match: another secret, or the request was changed after signing');
});
