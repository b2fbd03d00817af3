import { inProcessSkill } from './helpers/conversation';
import {
  EU_ENDPOINT,
  NA_ENDPOINT,
  intentRequest,
  launchRequest,
  skillDisabled,
  skillEnabled,
  subscriptionChanged,
} from './helpers/requests';

const skill = inProcessSkill();
afterAll(() => skill.close());

const WEATHER = 'AMAZON.WeatherAlert.Activated';
const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
const T1 = '2026-11-22T10:00:00Z';
const T2 = '2026-11-22T10:00:05Z';
const T3 = '2026-11-22T10:01:00Z';

describe('AlexaSkillEvent.ProactiveSubscriptionChanged', () => {
  it('stores the events, region, locale and timestamp of a subscription', async () => {
    const user = skill.user('de-DE');
    await user.send(
      subscriptionChanged({ userId: user.userId, events: [WEATHER, TRASH], timestamp: T1, apiEndpoint: EU_ENDPOINT, locale: 'de-DE' }),
    );
    await expect(user.stored()).resolves.toEqual({
      userId: user.userId,
      subscriptions: [WEATHER, TRASH],
      updatedAt: T1,
      apiEndpoint: EU_ENDPOINT,
      locale: 'de-DE',
    });
  });

  it('records an empty list as unsubscribed from all', async () => {
    const user = skill.user();
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER, TRASH], timestamp: T1 }));
    await user.send(subscriptionChanged({ userId: user.userId, events: [], timestamp: T2 }));
    await expect(user.stored()).resolves.toMatchObject({ subscriptions: [], updatedAt: T2 });
  });

  it('keeps the newer state when an older event arrives after it', async () => {
    const user = skill.user();
    await user.send(subscriptionChanged({ userId: user.userId, events: [], timestamp: T2 }));
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER, TRASH], timestamp: T1 }));
    await expect(user.stored()).resolves.toMatchObject({ subscriptions: [], updatedAt: T2 });
  });

  it('applies a change from the same second as the stored state: timestamps have one-second precision', async () => {
    const user = skill.user();
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T1 }));
    await user.send(subscriptionChanged({ userId: user.userId, events: [], timestamp: T1 }));
    await expect(user.stored()).resolves.toMatchObject({ subscriptions: [], updatedAt: T1 });
  });

  it('ignores an event whose body does not list subscriptions', async () => {
    const user = skill.user();
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T1 }));
    const malformed = subscriptionChanged({ userId: user.userId, events: [], timestamp: T2 });
    malformed.request.body = { subscriptions: 'all of them' };
    await user.send(malformed);
    await expect(user.stored()).resolves.toMatchObject({ subscriptions: [WEATHER], updatedAt: T1 });
  });
});

describe('skill enabled and disabled', () => {
  it('deletes the user\'s data when the skill is disabled, keeping only when that happened', async () => {
    const user = skill.user();
    await user.send(launchRequest({ userId: user.userId, apiEndpoint: EU_ENDPOINT }));
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T1 }));
    await user.send(skillDisabled({ userId: user.userId, timestamp: T2 }));
    await expect(user.stored()).resolves.toEqual({ userId: user.userId, subscriptions: [], updatedAt: T2, disabledAt: T2 });
  });

  it('does not bring a disabled user back when an older subscription event is delivered late', async () => {
    const user = skill.user();
    await user.send(skillDisabled({ userId: user.userId, timestamp: T2 }));
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T1, apiEndpoint: EU_ENDPOINT }));
    await expect(user.stored()).resolves.toEqual({ userId: user.userId, subscriptions: [], updatedAt: T2, disabledAt: T2 });
  });

  it('ignores a disable event older than the user\'s current state', async () => {
    const user = skill.user();
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T3 }));
    await user.send(skillDisabled({ userId: user.userId, timestamp: T1 }));
    await expect(user.stored()).resolves.toMatchObject({ subscriptions: [WEATHER], updatedAt: T3 });
  });

  it('records a re-enabled skill and a new subscription after a disable', async () => {
    const user = skill.user();
    await user.send(skillDisabled({ userId: user.userId, timestamp: T1 }));
    await user.send(skillEnabled({ userId: user.userId, timestamp: T2, apiEndpoint: NA_ENDPOINT }));
    await user.send(subscriptionChanged({ userId: user.userId, events: [TRASH], timestamp: T3 }));
    await expect(user.stored()).resolves.toMatchObject({ subscriptions: [TRASH], updatedAt: T3, apiEndpoint: NA_ENDPOINT });
  });
});

describe('ordinary requests', () => {
  it('refresh the stored region and locale', async () => {
    const user = skill.user('de-DE');
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T1, apiEndpoint: NA_ENDPOINT }));
    await user.send(launchRequest({ userId: user.userId, apiEndpoint: EU_ENDPOINT, locale: 'de-DE' }));
    await expect(user.stored()).resolves.toEqual({
      userId: user.userId,
      subscriptions: [WEATHER],
      updatedAt: T1,
      apiEndpoint: EU_ENDPOINT,
      locale: 'de-DE',
    });
  });

  it('even one naming a hidden intent: only a trigger the door admitted is none of the user', async () => {
    const user = skill.user();
    await user.send(launchRequest({ userId: user.userId, apiEndpoint: NA_ENDPOINT }));
    const response = await user.send(intentRequest({ userId: user.userId, intent: 'WeatherAlertIntent', apiEndpoint: EU_ENDPOINT }));
    expect(response.getSpeechPlain()).toBe('WeatherAlertIntent: 1 rejected.');
    await expect(user.stored()).resolves.toMatchObject({ apiEndpoint: EU_ENDPOINT });
  });
});

describe('what is stored stays bounded, even from genuine requests', () => {
  it('ignores a skill event stamped later than the clock allows, which newest-wins would keep for good', async () => {
    const user = skill.user();
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T1 }));
    await user.send(skillDisabled({ userId: user.userId, timestamp: new Date(Date.now() + 10 * 60_000).toISOString() }));
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER, TRASH], timestamp: T2 }));
    await expect(user.stored()).resolves.toMatchObject({ subscriptions: [WEATHER, TRASH], updatedAt: T2 });
  });

  it('keeps only the events the skill publishes, each once', async () => {
    const user = skill.user();
    const junk = Array.from({ length: 5000 }, (_, i) => `AMAZON.Made.Up${i}`);
    await user.send(subscriptionChanged({ userId: user.userId, events: [TRASH, ...junk, WEATHER, TRASH, WEATHER], timestamp: T1 }));
    await expect(user.stored()).resolves.toMatchObject({ subscriptions: [WEATHER, TRASH] });
  });

  // Jovo's test conversation sets every request's locale to its own, so the locale rule is tested on admitChange.
  it("stores no apiEndpoint but Amazon's (and the operator's)", async () => {
    const user = skill.user('de-DE');
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T1, apiEndpoint: EU_ENDPOINT, locale: 'de-DE' }));
    await user.send(launchRequest({ userId: user.userId, apiEndpoint: 'https://attacker.example.com' }));
    await user.send(subscriptionChanged({ userId: user.userId, events: [WEATHER], timestamp: T2, apiEndpoint: 'http://169.254.169.254' }));
    await expect(user.stored()).resolves.toEqual({ userId: user.userId, subscriptions: [WEATHER], updatedAt: T2, apiEndpoint: EU_ENDPOINT, locale: 'de-DE' });
  });
});
