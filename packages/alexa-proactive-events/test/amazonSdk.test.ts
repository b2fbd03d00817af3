import { DefaultApiClient } from 'ask-sdk-core';
import { services } from 'ask-sdk-model';
import { EVENT_NAMES } from '../src';
import { createEmulator, type Emulator } from '../src/emulator';
import { EXAMPLE_FILES, example } from './helpers/fixtures';

/**
 * The emulator judged by a client nobody here wrote: Amazon's own SDK (ask-sdk-core's DefaultApiClient, and
 * ask-sdk-model's LwaServiceClient and ProactiveEventsServiceClient), as a skill built on it would send.
 */
const CLIENT_ID = 'amzn1.application-oa2-client.sdk';
const CLIENT_SECRET = 'sdk-client-secret';
let emulator: Emulator;

const SUBSCRIBER = 'amzn1.ask.account.SUBSCRIBER';
const NOT_SUBSCRIBED = 'amzn1.ask.account.NOT-SUBSCRIBED';

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, clients: { [CLIENT_ID]: CLIENT_SECRET }, subscribers: { [SUBSCRIBER]: EVENT_NAMES, [NOT_SUBSCRIBED]: [] } });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function client(clientSecret = CLIENT_SECRET) {
  const apiConfiguration = { apiClient: new DefaultApiClient(), apiEndpoint: emulator.url, authorizationValue: '' };
  return new services.proactiveEvents.ProactiveEventsServiceClient(apiConfiguration, { clientId: CLIENT_ID, clientSecret, authEndpoint: emulator.url });
}

/** One of Amazon's schema page examples, current now, to one audience. */
function event(file: string, audience: 'Multicast' | 'Unicast', referenceId = `${audience}-${file}`): services.proactiveEvents.CreateProactiveEventRequest {
  const body = example(file);
  const now = Date.now();
  const everyone = { type: 'Multicast', payload: {} };
  const subscribed = { type: 'Unicast', payload: { user: SUBSCRIBER } };
  return {
    ...body,
    referenceId,
    timestamp: new Date(now).toISOString(),
    expiryTime: new Date(now + 3_600_000).toISOString(),
    relevantAudience: (audience === 'Multicast' ? everyone : subscribed) as services.proactiveEvents.RelevantAudience,
  } as unknown as services.proactiveEvents.CreateProactiveEventRequest;
}

const cases = EXAMPLE_FILES.flatMap((file) => (['Multicast', 'Unicast'] as const).flatMap((audience) => (['DEVELOPMENT', 'LIVE'] as const).map((stage) => [file, audience, stage] as const)));

it.each(cases)('delivers %s, %s, at the %s stage', async (file, audience, stage) => {
  await expect(client().createProactiveEvent(event(file, audience), stage)).resolves.toBeUndefined();
  expect(emulator.accepted).toEqual([expect.objectContaining({ stage: stage.toLowerCase(), audience: audience === 'Multicast' ? 'Multicast' : SUBSCRIBER })]);
});

it('gets one token from the emulator for many events, as the SDK caches it', async () => {
  const sdk = client();
  for (const file of EXAMPLE_FILES.slice(0, 3)) await sdk.createProactiveEvent(event(file, 'Multicast'), 'DEVELOPMENT');
  expect(emulator.tokensIssued).toBe(1);
});

describe("the emulator's refusals reach the SDK as ServiceErrors", () => {
  const refusal = (promise: Promise<void>) =>
    promise.then(
      () => undefined,
      (error: { name?: string; statusCode?: number; message?: string }) => ({ name: error.name, statusCode: error.statusCode }),
    );

  it('400 for a malformed event', async () => {
    const broken = { ...event('weather-alert.json', 'Multicast'), referenceId: '' } as services.proactiveEvents.CreateProactiveEventRequest;
    await expect(refusal(client().createProactiveEvent(broken, 'DEVELOPMENT'))).resolves.toEqual({ name: 'ServiceError', statusCode: 400 });
  });

  it('403 for a Unicast user who is not subscribed', async () => {
    const unsubscribed = { ...event('weather-alert.json', 'Unicast'), relevantAudience: { type: 'Unicast', payload: { user: NOT_SUBSCRIBED } } };
    await expect(refusal(client().createProactiveEvent(unsubscribed as services.proactiveEvents.CreateProactiveEventRequest, 'DEVELOPMENT'))).resolves.toEqual({
      name: 'ServiceError',
      statusCode: 403,
    });
  });

  it('409 for a referenceId already accepted', async () => {
    const sdk = client();
    await sdk.createProactiveEvent(event('weather-alert.json', 'Multicast', 'twice'), 'DEVELOPMENT');
    await expect(refusal(sdk.createProactiveEvent(event('weather-alert.json', 'Multicast', 'twice'), 'DEVELOPMENT'))).resolves.toEqual({ name: 'ServiceError', statusCode: 409 });
  });

  it('429 when over the limit', async () => {
    emulator.setFaults({ script: [429] });
    await expect(refusal(client().createProactiveEvent(event('weather-alert.json', 'Multicast'), 'DEVELOPMENT'))).resolves.toEqual({ name: 'ServiceError', statusCode: 429 });
    emulator.setFaults({});
  });

  it('a token refused to the wrong secret, before any event is sent', async () => {
    await expect(refusal(client('not-the-secret').createProactiveEvent(event('weather-alert.json', 'Multicast'), 'DEVELOPMENT'))).resolves.toMatchObject({ statusCode: 401 });
    expect(emulator.received.filter((request) => request.path.startsWith('/v1/'))).toEqual([]);
  });
});
