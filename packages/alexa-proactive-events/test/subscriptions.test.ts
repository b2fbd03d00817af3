import { admitChange, applySubscriberChange, subscribedEventNames, tokenOrigins, type SubscriberState } from '../src';
import { isAtLeastAsNew } from '../src/subscriptions';

const WEATHER = 'AMAZON.WeatherAlert.Activated';
const subscribed: SubscriberState = {
  subscriptions: [WEATHER],
  updatedAt: '2026-11-22T10:00:00Z',
  apiEndpoint: 'https://api.amazonalexa.com',
  locale: 'en-US',
};

describe('applySubscriberChange', () => {
  it('starts a state from nothing', () => {
    expect(applySubscriberChange(undefined, { kind: 'subscriptionsChanged', timestamp: '2026-11-22T10:00:00Z', events: [WEATHER] })).toEqual({
      subscriptions: [WEATHER],
      updatedAt: '2026-11-22T10:00:00Z',
    });
  });

  it('compares instants, not strings: a later time written with milliseconds wins', () => {
    const next = applySubscriberChange(subscribed, { kind: 'subscriptionsChanged', timestamp: '2026-11-22T10:00:00.500Z', events: [] });
    expect(next.subscriptions).toEqual([]);
  });

  it('ignores a change with an unreadable timestamp', () => {
    expect(applySubscriberChange(subscribed, { kind: 'subscriptionsChanged', timestamp: 'yesterday', events: [] })).toBe(subscribed);
    expect(applySubscriberChange(subscribed, { kind: 'skillDisabled', timestamp: '' })).toBe(subscribed);
  });

  it('lets any readable timestamp replace a stored one that cannot be read', () => {
    const broken = { ...subscribed, updatedAt: 'garbage' };
    expect(applySubscriberChange(broken, { kind: 'skillDisabled', timestamp: '2020-01-01T00:00:00Z' })).toEqual({
      subscriptions: [],
      updatedAt: '2020-01-01T00:00:00Z',
      disabledAt: '2020-01-01T00:00:00Z',
    });
  });

  it('keeps the time of the newest disable through a later enable: the tombstone a write begun before it is checked against', () => {
    const disabled = applySubscriberChange(subscribed, { kind: 'skillDisabled', timestamp: '2026-11-22T11:00:00Z' });
    expect(disabled).toEqual({ subscriptions: [], updatedAt: '2026-11-22T11:00:00Z', disabledAt: '2026-11-22T11:00:00Z' });
    const enabled = applySubscriberChange(disabled, { kind: 'skillEnabled', timestamp: '2026-11-22T12:00:00Z', locale: 'en-US' });
    expect(enabled).toEqual({ subscriptions: [], updatedAt: '2026-11-22T12:00:00Z', disabledAt: '2026-11-22T11:00:00Z', locale: 'en-US' });
  });

  it('keeps the region and locale when a change does not carry them', () => {
    const next = applySubscriberChange(subscribed, { kind: 'subscriptionsChanged', timestamp: '2026-11-22T11:00:00Z', events: [] });
    expect(next).toEqual({ ...subscribed, subscriptions: [], updatedAt: '2026-11-22T11:00:00Z' });
  });

  it('refreshes region and locale on an ordinary request without touching the subscription state', () => {
    const next = applySubscriberChange(subscribed, { kind: 'request', apiEndpoint: 'https://api.fe.amazonalexa.com', locale: 'ja-JP' });
    expect(next).toEqual({ ...subscribed, apiEndpoint: 'https://api.fe.amazonalexa.com', locale: 'ja-JP' });
  });
});

describe('isAtLeastAsNew', () => {
  it.each([
    ['2026-11-22T10:00:01Z', '2026-11-22T10:00:00Z', true],
    ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00Z', true],
    ['2026-11-22T09:59:59Z', '2026-11-22T10:00:00Z', false],
    ['2026-11-22T10:00:00Z', undefined, true],
    ['not a date', undefined, false],
  ])('%s against %s is %s', (incoming, current, expected) => {
    expect(isAtLeastAsNew(incoming, current)).toBe(expected);
  });
});

describe('subscribedEventNames', () => {
  it('reads the event names of a subscription change body', () => {
    expect(subscribedEventNames({ subscriptions: [{ eventName: WEATHER }] })).toEqual([WEATHER]);
  });

  it('reads a missing list, or a missing body, as no subscriptions', () => {
    expect(subscribedEventNames({})).toEqual([]);
    expect(subscribedEventNames(undefined)).toEqual([]);
  });

  it('refuses a body of another shape with an error, never "no subscriptions"', () => {
    const expected = 'expected request.body of a ProactiveSubscriptionChanged request, { subscriptions: [{ eventName }] }';
    expect(() => subscribedEventNames({ subscriptions: [{ name: WEATHER }] })).toThrow(
      expect.objectContaining({
        name: 'ValidationError',
        code: 'ERR_VALIDATION',
        issues: [{ path: 'subscriptions', message: 'expected a list of { eventName }', value: [{ name: WEATHER }] }],
      }),
    );
    expect(() => subscribedEventNames('subscriptions')).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION', issues: [{ path: '', message: `${expected}; it was given a string` }] }));
    expect(() => subscribedEventNames('subscriptions')).toThrow(`The body given to subscribedEventNames is invalid (1 problem):\n  - (the whole input): ${expected}; it was given a string`);
  });

  it('refuses the whole request, or its request object, which would read as unsubscribed from all', () => {
    const request = {
      type: 'AlexaSkillEvent.ProactiveSubscriptionChanged',
      requestId: 'amzn1.echo-api.request.1',
      timestamp: '2026-11-22T10:00:00Z',
      body: { subscriptions: [{ eventName: WEATHER }] },
    };
    expect(() => subscribedEventNames({ version: '1.0', context: {}, request })).toThrow(/it was given an object with "version", "context", "request": a request, not its body$/);
    expect(() => subscribedEventNames(request)).toThrow(/it was given an object with "type", "requestId", "timestamp", "body": a request, not its body$/);
    expect(() => subscribedEventNames({ System: { user: { userId: 'amzn1.ask.account.1' } } })).toThrow(/it was given an object with "System": a request, not its body$/);
    expect(subscribedEventNames(request.body)).toEqual([WEATHER]);
  });
});

describe('admitChange', () => {
  const policy = { publishedEvents: [WEATHER, 'AMAZON.OrderStatus.Updated'], apiEndpoints: tokenOrigins(['http://127.0.0.1:3001']), now: Date.parse('2026-11-22T10:00:00Z') };

  it('quotes a locale or an apiEndpoint it leaves out on one line, escaping what would break or forge a log line', () => {
    const forged = 'en-US\n[amazon] POST /v1/proactiveEvents 202\u001b[2J';
    const { ignored } = admitChange({ kind: 'subscriptionsChanged', timestamp: '2026-11-22T10:00:00Z', events: [], locale: forged, apiEndpoint: `https://x.test/${forged}` }, policy);
    expect(ignored).toEqual([
      'apiEndpoint "https://x.test/en-US\\n[amazon] POST /v1/proactiveEvents 202\\u001b[2J" not stored: not one of the policy\'s apiEndpoints (Amazon\'s hosts and the allowed origins)',
      'locale "en-US\\n[amazon] POST …" not stored: expected a locale like "en-US"',
    ]);
    expect(ignored.join('')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('lets a plain change through, with the apiEndpoint as an origin', () => {
    const change = { kind: 'subscriptionsChanged' as const, timestamp: '2026-11-22T09:59:00Z', events: [WEATHER], apiEndpoint: 'https://api.eu.amazonalexa.com/', locale: 'de-DE' };
    expect(admitChange(change, policy)).toEqual({ change: { ...change, apiEndpoint: 'https://api.eu.amazonalexa.com' }, ignored: [] });
    expect(admitChange({ kind: 'request', apiEndpoint: 'http://127.0.0.1:3001' }, policy).change).toEqual({ kind: 'request', apiEndpoint: 'http://127.0.0.1:3001' });
  });

  it('refuses a skill event stamped more than 150 s after the clock, and takes one within', () => {
    expect(admitChange({ kind: 'skillDisabled', timestamp: '2026-11-22T10:02:31Z' }, policy)).toEqual({
      ignored: ['skillDisabled stamped 2026-11-22T10:02:31Z, later than the clock (2026-11-22T10:00:00.000Z) allows; nothing stored'],
    });
    expect(admitChange({ kind: 'skillDisabled', timestamp: '2026-11-22T10:02:30Z' }, policy).change).toBeDefined();
  });

  it('leaves out what may not be stored, saying what', () => {
    const { change, ignored } = admitChange(
      { kind: 'skillEnabled', timestamp: '2026-11-22T09:00:00Z', apiEndpoint: 'https://attacker.example.com', locale: 'english' },
      policy,
    );
    expect(change).toEqual({ kind: 'skillEnabled', timestamp: '2026-11-22T09:00:00Z' });
    expect(ignored).toEqual([
      `apiEndpoint "https://attacker.example.com" not stored: not one of the policy's apiEndpoints (Amazon's hosts and the allowed origins)`,
      'locale "english" not stored: expected a locale like "en-US"',
    ]);
  });
});
