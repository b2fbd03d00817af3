import { applySubscriberChange, isAtLeastAsNew, subscribedEventNames, type SubscriberState } from '../../src/proactive';

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
    });
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

  it('refuses a body of another shape', () => {
    expect(subscribedEventNames({ subscriptions: [{ name: WEATHER }] })).toBeUndefined();
    expect(subscribedEventNames('subscriptions')).toBeUndefined();
  });
});
