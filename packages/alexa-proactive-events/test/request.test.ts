import {
  PreviewError,
  ValidationError,
  buildRequest,
  previewText,
  validateRequest,
  type ProactiveEvent,
  type ProactiveEventRequest,
} from '../src';
import {
  describeIssue,
  eventFromInputs,
  parseRequest,
  previewLocales,
} from '../src/internal';

const T0 = '2026-11-22T10:00:00.000Z';
const weather = {
  name: 'AMAZON.WeatherAlert.Activated',
  payload: { weatherAlert: { alertType: 'TORNADO', source: 'localizedattribute:source' } },
} satisfies ProactiveEvent;

/** A valid weather alert, with `changes` merged over its top-level fields. */
function request(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: T0,
    referenceId: 'weather-1',
    expiryTime: '2026-11-22T11:00:00.000Z',
    event: weather,
    localizedAttributes: [{ locale: 'en-US', source: 'Weather Knows' }, { locale: 'de-DE', source: 'Wetterdienst' }],
    relevantAudience: { type: 'Multicast', payload: {} },
    ...changes,
  };
}

function afterT0(ms: number): string {
  return new Date(Date.parse(T0) + ms).toISOString();
}

describe('expiryTime', () => {
  const MINUTE = 60_000;
  it.each([
    ['4:59 after timestamp', 5 * MINUTE - 1000, false],
    ['5:00 after timestamp', 5 * MINUTE, true],
    ['24:00:00 after timestamp', 24 * 60 * MINUTE, true],
    ['24:00:01 after timestamp', 24 * 60 * MINUTE + 1000, false],
    ['before timestamp', -MINUTE, false],
  ])('at %s is %s', (_, offset, accepted) => {
    const result = validateRequest(request({ expiryTime: afterT0(offset) }));
    expect(result.ok).toBe(accepted);
    if (!accepted) {
      expect(result).toMatchObject({
        issues: [{ path: 'expiryTime', message: expect.stringMatching(/^must be 300 s \(5 minutes\) to 86,400 s \(24 hours\) after timestamp 2026-11-22T10:00:00.000Z; it is /), value: afterT0(offset) }],
      });
    }
  });

  it('says exactly how far off it is, to the millisecond', () => {
    expect(validateRequest(request({ expiryTime: afterT0(5 * 60_000 - 1000) }))).toMatchObject({
      issues: [{ message: expect.stringMatching(/; it is 299 s after it$/) }],
    });
    expect(validateRequest(request({ expiryTime: afterT0(24 * 3_600_000 + 2) }))).toMatchObject({
      issues: [{ message: expect.stringMatching(/; it is 86,400.002 s after it$/) }],
    });
  });

  it('must be an ISO 8601 date-time', () => {
    expect(validateRequest(request({ expiryTime: '2026-11-22 11:00' }))).toMatchObject({
      ok: false,
      issues: [{ path: 'expiryTime', message: 'expected an ISO 8601 date-time, like 2026-11-22T10:00:00Z', value: '2026-11-22 11:00' }],
    });
  });

  // ISO 8601 forms real clients write, which Amazon's examples do not use: read, with a warning; --strict refuses them.
  it.each([
    ['2026-11-22T10:00', 'no seconds and no time zone', '2026-11-22T10:00:00<local>'], // Python's isoformat(timespec='minutes')
    ['2026-11-22T10:00:00.123456', 'no time zone', '2026-11-22T10:00:00.123456<local>'], // Python's isoformat()
    ['2026-11-22T10:00Z', 'no seconds', '2026-11-22T10:00:00Z'], // Java's OffsetDateTime at a full minute
    ['2026-11-22T11:00:00+0100', 'an offset without a colon (+0100)', '2026-11-22T11:00:00+01:00'], // PHP's DATE_ISO8601
    ['2026-11-22T11:00:00+01', 'an offset without minutes (+01)', '2026-11-22T11:00:00+01:00'],
    ['2026-11-22t10:00:00z', 'a lowercase t or z', '2026-11-22T10:00:00Z'], // RFC 3339 allows it
  ])('reads %s (%s) with a warning, and --strict refuses it', (timestamp, differences, readAs) => {
    const local = readAs.includes('<local>');
    const expiryTime = new Date((local ? new Date(timestamp).getTime() : Date.parse(readAs)) + 3_600_000).toISOString();
    const result = validateRequest(request({ timestamp, expiryTime }));
    const message = `has ${differences}, unlike Amazon's examples (2026-11-22T10:00:00Z)`;
    expect(result).toMatchObject({ ok: true, warnings: [{ path: 'timestamp', value: timestamp }] });
    const [warning] = result.warnings;
    const [, shown] = /; read as ([^,;\s]+)/.exec(warning.message) ?? [];
    expect(warning.message).toBe(`${message}; read as ${shown}${local ? ", in this machine's time zone" : ''}`);
    // A zone-less time is the machine's local time, as JavaScript reads it, with the machine's offset written out.
    if (local) expect([shown.slice(0, readAs.length - '<local>'.length), Date.parse(shown)]).toEqual([readAs.replace('<local>', ''), new Date(timestamp).getTime()]);
    else expect(shown).toBe(readAs);
    expect(result.ok && result.request.timestamp).toBe(shown);
    expect(validateRequest(request({ timestamp, expiryTime }), { strict: true })).toMatchObject({ ok: false, issues: [{ path: 'timestamp', message, value: timestamp }] });
  });

  it.each(['2026-11-22', '2026-11-22 10:00:00Z', '2026-02-30T10:00', '2026-11-22T10:00:00+1', 'November 22, 2026'])('refuses %s, which is no ISO 8601 date-time', (timestamp) => {
    expect(validateRequest(request({ timestamp }))).toMatchObject({
      ok: false,
      issues: [{ path: 'timestamp', message: 'expected an ISO 8601 date-time, like 2026-11-22T10:00:00Z', value: timestamp }],
    });
  });

  it('judges the expiry in what it read, and shows the values as given', () => {
    const result = validateRequest(request({ timestamp: '2026-11-22T10:00+0100', expiryTime: '2026-11-22T09:04:59Z' }));
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: 'expiryTime', message: 'must be 300 s (5 minutes) to 86,400 s (24 hours) after timestamp 2026-11-22T10:00+0100; it is 299 s after it', value: '2026-11-22T09:04:59Z' }],
      warnings: [{ path: 'timestamp', message: expect.stringMatching(/^has no seconds and an offset without a colon \(\+0100\)/) }],
    });
  });

  it('looks for date-times only where the schema has one', () => {
    expect(validateRequest(request({ referenceId: '2026-11-22T10:00:00' }))).toMatchObject({ ok: true, warnings: [] });
  });

  it('refuses an event already expired when it is sent, which Amazon would never deliver', () => {
    expect(validateRequest(request(), { now: Date.parse(T0) + 59 * 60_000 }).ok).toBe(true);
    expect(validateRequest(request(), { now: Date.parse(T0) + 60 * 60_000 })).toMatchObject({
      ok: false,
      issues: [{ path: 'expiryTime', message: 'has passed (it is 2026-11-22T11:00:00.000Z): Amazon would not deliver the event' }],
    });
  });

  it('accepts time zone offsets', () => {
    expect(validateRequest(request({ timestamp: '2026-11-22T11:00:00+01:00', expiryTime: '2026-11-22T10:30:00Z' })).ok).toBe(true);
  });
});

describe('referenceId', () => {
  it.each([
    [0, false],
    [1, true],
    [100, true],
    [101, false],
  ])('of %i characters is accepted: %s', (length, accepted) => {
    const result = validateRequest(request({ referenceId: 'r'.repeat(length) }));
    expect(result.ok).toBe(accepted);
    if (!accepted) expect(result).toMatchObject({ issues: [{ path: 'referenceId' }] });
  });
});

describe('localizedAttributes', () => {
  it('must give every key the payload uses in every locale', () => {
    const result = validateRequest(request({ localizedAttributes: [{ locale: 'en-US', source: 'Weather Knows' }, { locale: 'de-DE' }] }));
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: 'localizedAttributes[1].source', message: 'required: event.payload.weatherAlert.source uses localizedattribute:source' }],
    });
  });

  it('are required when the payload uses one', () => {
    const { localizedAttributes, ...rest } = request();
    expect(localizedAttributes).toBeDefined();
    expect(validateRequest(rest)).toMatchObject({
      ok: false,
      issues: [{ path: 'localizedAttributes', message: 'required: event.payload.weatherAlert.source uses localizedattribute:source' }],
    });
  });

  it('need a locale in every entry, each locale once', () => {
    const result = validateRequest(
      request({ localizedAttributes: [{ source: 'A' }, { locale: 'en-US', source: 'B' }, { locale: 'en-US', source: 'C' }, { locale: 'english', source: 'D' }] }),
    );
    expect(result).toMatchObject({
      ok: false,
      issues: [
        { path: 'localizedAttributes[0].locale', message: 'required: a string' },
        { path: 'localizedAttributes[3].locale', message: 'expected a locale like "en-US"', value: 'english' },
        { path: 'localizedAttributes[2].locale', message: 'already given in localizedAttributes[1]', value: 'en-US' },
      ],
    });
  });

  it('report a key that nothing uses as a warning, which does not refuse the event', () => {
    const result = validateRequest(request({ localizedAttributes: [{ locale: 'en-US', source: 'Weather Knows', sorce: 'typo' }] }));
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ path: 'localizedAttributes[0].sorce', message: 'not used: no payload field says localizedattribute:sorce' }],
    });
  });

  it('may be empty where nothing uses them, and --strict does not refuse an unused one', () => {
    const unused = request({ localizedAttributes: [{ locale: 'en-US', source: 'Weather Knows', note: '' }] });
    expect(validateRequest(unused, { strict: true })).toMatchObject({ ok: true, warnings: [{ path: 'localizedAttributes[0].note', message: expect.stringMatching(/^not used/) }] });
    expect(validateRequest(request({ localizedAttributes: [{ locale: 'en-US', source: '' }] }))).toMatchObject({
      ok: false,
      issues: [{ path: 'localizedAttributes[0].source', message: 'must not be empty: event.payload.weatherAlert.source uses localizedattribute:source', value: '' }],
    });
  });

  it('cannot stand in for a field Amazon does not localize', () => {
    const result = validateRequest(
      request({
        event: { name: 'AMAZON.MessageAlert.Activated', payload: { state: { status: 'UNREAD' }, messageGroup: { creator: { name: 'localizedattribute:source' }, count: 1 } } },
      }),
    );
    expect(result).toMatchObject({
      ok: false,
      issues: [
        {
          path: 'event.payload.messageGroup.creator.name',
          message: 'this field takes the text itself; Amazon does not localize it',
          value: 'localizedattribute:source',
        },
      ],
    });
  });
});

describe('relevantAudience', () => {
  it('Unicast needs a user', () => {
    expect(validateRequest(request({ relevantAudience: { type: 'Unicast', payload: {} } }))).toMatchObject({
      ok: false,
      issues: [{ path: 'relevantAudience.payload.user', message: 'required: a string' }],
    });
    expect(validateRequest(request({ relevantAudience: { type: 'Unicast', payload: { user: 'amzn1.ask.account.X' } } })).ok).toBe(true);
  });

  it('Multicast takes an empty payload; left out or null, it is a warning (Jovo and others send it so)', () => {
    expect(validateRequest(request({ relevantAudience: { type: 'Multicast', payload: { user: 'u' } } }), { strict: true })).toMatchObject({
      ok: false,
      issues: [{ path: 'relevantAudience.payload.user', message: 'unknown field; this object must be empty', value: 'u' }],
    });
    expect(validateRequest(request({ relevantAudience: { type: 'Multicast' } }))).toMatchObject({
      ok: true,
      warnings: [{ path: 'relevantAudience.payload', message: "is missing: Amazon's pages show {} and its SDK declares it required" }],
    });
    expect(validateRequest(request({ relevantAudience: { type: 'Multicast', payload: null } }))).toMatchObject({ ok: true, warnings: [{ message: expect.stringMatching(/^is null/) }] });
    // PHP's json_encode writes an empty array as [].
    const list = validateRequest(request({ relevantAudience: { type: 'Multicast', payload: [] } }));
    expect(list).toMatchObject({ ok: true, warnings: [{ path: 'relevantAudience.payload', message: "is [] (a list): Amazon's pages show {} and its SDK declares it required" }] });
    expect(list.ok && list.request.relevantAudience).toEqual({ type: 'Multicast', payload: {} });
    expect(validateRequest(request({ relevantAudience: { type: 'Multicast', payload: [] } }), { strict: true })).toMatchObject({ ok: false, issues: [{ path: 'relevantAudience.payload' }] });
    expect(validateRequest(request({ relevantAudience: { type: 'Multicast', payload: ['u'] } }))).toMatchObject({ ok: false, issues: [{ path: 'relevantAudience.payload', message: 'expected an object' }] });
  });

  it('is Multicast or Unicast', () => {
    expect(validateRequest(request({ relevantAudience: { type: 'Broadcast', payload: {} } }))).toMatchObject({
      issues: [{ path: 'relevantAudience.type', message: 'expected one of Multicast, Unicast', value: 'Broadcast' }],
    });
  });
});

describe('AMAZON.SocialGameInvite.Available', () => {
  const invite = (value: object) =>
    request({ event: { name: 'AMAZON.SocialGameInvite.Available', payload: { invite: value, game: { offer: 'GAME', name: 'chess' } } }, localizedAttributes: undefined });

  it('accepts relationshipToInvitee and inviteType under invite (the example) or invite.inviter (the table)', () => {
    const example = validateRequest(invite({ relationshipToInvitee: 'FRIEND', inviter: { name: 'Max' }, inviteType: 'CHALLENGE' }));
    const table = validateRequest(invite({ inviter: { name: 'Max', relationshipToInvitee: 'FRIEND', inviteType: 'CHALLENGE' } }));
    expect([example.ok, table.ok]).toEqual([true, true]);
    const say = (result: typeof example) => (result.ok ? previewText(result.request, 'en-US') : result.issues);
    expect(say(table)).toBe(say(example));
  });

  it('needs each of them once', () => {
    expect(validateRequest(invite({ inviter: { name: 'Max', inviteType: 'INVITE' }, inviteType: 'CHALLENGE' }))).toMatchObject({
      ok: false,
      issues: [
        { path: 'event.payload.invite.relationshipToInvitee', message: 'required, here or under invite.inviter' },
        { path: 'event.payload.invite.inviteType', message: 'give inviteType once: here or under invite.inviter, not both', value: 'CHALLENGE' },
      ],
    });
  });
});

describe('the whole request', () => {
  it('lists every problem at once, and an unknown field as a warning', () => {
    const result = validateRequest({
      timestamp: 'now',
      referenceId: '',
      expiryTime: T0,
      event: { name: 'AMAZON.TrashCollectionAlert.Activated', payload: { alert: { garbageTypes: ['GLASS', 'PAPER'], collectionDayOfWeek: 'TUESDAY' } } },
      relevantAudience: { type: 'Multicast', payload: {} },
      extra: 1,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((issue) => issue.path)).toEqual(['timestamp', 'referenceId', 'event.payload.alert.garbageTypes[1]']);
    expect(result.warnings.map((warning) => warning.path)).toEqual(['extra']);
  });

  it("takes an unknown field with a warning and keeps it in what it sends; --strict refuses it", () => {
    // A Java kit serializes payload.name, and its tests send to Amazon.
    const body = request({ event: { ...weather, payload: { ...weather.payload, name: 'weather' } } });
    const result = validateRequest(body);
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ path: 'event.payload.name', message: "unknown field; the fields here are weatherAlert; Amazon's documentation does not name it", value: 'weather' }],
    });
    expect(validateRequest(body, { strict: true })).toMatchObject({ ok: false, issues: [{ path: 'event.payload.name', message: 'unknown field; the fields here are weatherAlert' }] });
  });

  it('takes an empty localizedAttributes list, as Amazon\'s SDK users send it for events with nothing to localize', () => {
    const message = request({ event: { name: 'AMAZON.MessageAlert.Activated', payload: { state: { status: 'UNREAD' }, messageGroup: { creator: { name: 'Max' }, count: 1 } } }, localizedAttributes: [] });
    expect(validateRequest(message)).toMatchObject({ ok: true, warnings: [] });
    expect(validateRequest(request({ localizedAttributes: [] }))).toMatchObject({
      ok: false,
      issues: [{ path: 'localizedAttributes', message: 'required: event.payload.weatherAlert.source uses localizedattribute:source' }],
    });
  });

  it.each([null, 'event', 42, []])('refuses %p as a whole', (input) => {
    expect(validateRequest(input)).toMatchObject({ ok: false, issues: [{ path: '' }] });
  });

  it('reads null as a field left out, with a warning (Jackson writes null for an empty optional field)', () => {
    const nulls = request({ event: { ...weather, payload: { weatherAlert: { ...weather.payload.weatherAlert, source: null } } }, localizedAttributes: null });
    const result = validateRequest(nulls);
    const message = "is null: Amazon's documentation does not say null may stand for a field left out";
    expect(result).toMatchObject({
      ok: true,
      warnings: [
        { path: 'event.payload.weatherAlert.source', message: `${message}; read as left out`, value: null },
        { path: 'localizedAttributes', message: `${message}; read as left out`, value: null },
      ],
    });
    expect(result.ok && result.request.event.payload).toEqual({ weatherAlert: { alertType: 'TORNADO' } });
    expect(validateRequest(nulls, { strict: true })).toMatchObject({ ok: false, issues: [{ path: 'event.payload.weatherAlert.source', message }, { path: 'localizedAttributes', message }] });
    // An enumeration's null too (message freshness).
    const message2 = request({ event: { name: 'AMAZON.MessageAlert.Activated', payload: { state: { status: 'UNREAD', freshness: null }, messageGroup: { creator: { name: 'Max' }, count: 1 } } }, localizedAttributes: [] });
    expect(validateRequest(message2)).toMatchObject({ ok: true, warnings: [{ path: 'event.payload.state.freshness', value: null }] });
    // A required field is still missing when null: refused once, saying it was null, and no warning beside it.
    const required = validateRequest(request({ referenceId: null }));
    expect(required).toEqual({ ok: false, issues: [{ path: 'referenceId', message: 'required: a string', value: null }], warnings: [] });
    expect(describeIssue(required.ok ? { path: '', message: '' } : required.issues[0])).toBe('referenceId: required: a string (given null)');
  });

  it('refuses an event the skill does not publish', () => {
    expect(validateRequest(request(), { publishedEvents: ['AMAZON.OrderStatus.Updated'] })).toMatchObject({
      ok: false,
      issues: [{ path: 'event.name', message: 'not published by this skill; it publishes AMAZON.OrderStatus.Updated (publishedEvents)' }],
    });
  });

  it('throws one ValidationError naming every problem from parseRequest', () => {
    expect(() => parseRequest(request({ referenceId: '', expiryTime: T0 }))).toThrow(ValidationError);
    expect(() => parseRequest(request({ referenceId: '', expiryTime: T0 }))).toThrow(
      [
        'The Proactive Event is invalid (2 problems):',
        '  - referenceId: must not be empty (given "")',
        '  - expiryTime: must be 300 s (5 minutes) to 86,400 s (24 hours) after timestamp 2026-11-22T10:00:00.000Z; it is 0 s after it (given "2026-11-22T10:00:00.000Z")',
      ].join('\n'),
    );
  });
});

describe('buildRequest', () => {
  const now = () => new Date(T0);

  it('computes timestamp and expiry from one clock read', () => {
    let reads = 0;
    const built = buildRequest({ event: weather, expiresInMinutes: 90, now: () => (reads++, new Date(T0)) });
    expect(reads).toBe(1);
    expect(built).toMatchObject({ timestamp: T0, expiryTime: '2026-11-22T11:30:00.000Z' });
  });

  it('keeps a given referenceId and generates one otherwise', () => {
    expect(buildRequest({ event: weather, referenceId: 'order-42-shipped', now }).referenceId).toBe('order-42-shipped');
    const generated = [buildRequest({ event: weather, now }).referenceId, buildRequest({ event: weather, now }).referenceId];
    expect(generated[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated[0]).not.toBe(generated[1]);
  });

  it('addresses one user with Unicast and everyone with Multicast', () => {
    expect(buildRequest({ event: weather, user: 'amzn1.ask.account.X', now }).relevantAudience).toEqual({ type: 'Unicast', payload: { user: 'amzn1.ask.account.X' } });
    expect(buildRequest({ event: weather, now }).relevantAudience).toEqual({ type: 'Multicast', payload: {} });
  });
});

describe('eventFromInputs', () => {
  it('puts localizable texts into localizedAttributes for each locale, and converts numbers and lists', () => {
    expect(eventFromInputs('AMAZON.WeatherAlert.Activated', { 'alert-type': 'SNOW_STORM', source: ' Weather Knows ' }, ['en-US', 'de-DE'])).toEqual({
      event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'SNOW_STORM', source: 'localizedattribute:source' } } },
      localizedAttributes: [{ locale: 'en-US', source: 'Weather Knows' }, { locale: 'de-DE', source: 'Weather Knows' }],
    });
    expect(eventFromInputs('AMAZON.MessageAlert.Activated', { count: '3', status: 'UNREAD', creator: 'Jane' }).event.payload).toEqual({
      state: { status: 'UNREAD' },
      messageGroup: { count: 3, creator: { name: 'Jane' } },
    });
  });

  it('leaves a value it cannot convert for validation to name', () => {
    const { event } = eventFromInputs('AMAZON.MessageAlert.Activated', { count: 'three', status: 'UNREAD', creator: 'Jane' });
    expect(validateRequest(buildRequest({ event }))).toMatchObject({
      ok: false,
      issues: [{ path: 'event.payload.messageGroup.count', message: 'expected a number', value: 'three' }],
    });
  });
});

describe('previewText', () => {
  const valid = parseRequest(request()).request as ProactiveEventRequest;

  it('uses the localized attributes of the locale asked for', () => {
    expect(previewText(valid, 'de-DE')).toBe('Es gibt eine Tornadowarnung für deine Region. Bereitgestellt von Wetterdienst.');
    expect(previewLocales(valid)).toEqual(['en-US', 'de-DE']);
  });

  it('drops "Provided by" for a weather alert without a source', () => {
    const noSource = parseRequest(request({ event: { ...weather, payload: { weatherAlert: { alertType: 'THUNDER_STORM' } } }, localizedAttributes: undefined })).request;
    expect(previewText(noSource, 'en-US')).toBe('There is a thunderstorm alert for your area.');
  });

  it('refuses a language it has no text in, and a locale the event has no attributes for', () => {
    expect(() => previewText(valid, 'fr-FR')).toThrow(new PreviewError('No notification text in fr-FR: the previews are written in en and de'));
    expect(() => previewText(valid, 'en-GB')).toThrow(new PreviewError('The event has no localizedAttributes for en-GB; it has en-US, de-DE'));
  });
});

describe('values in error messages', () => {
  it('are shown as JSON, cut to one readable line however large or deep the value', () => {
    expect(describeIssue({ path: 'a', message: 'bad', value: { b: [1, 'two', null], c: true } })).toBe('a: bad (given {"b":[1,"two",null],"c":true})');
    const huge = { list: Array.from({ length: 100_000 }, (_, i) => i), text: 'x'.repeat(1024 * 1024) };
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const value of [huge, deep, 'y'.repeat(1024 * 1024)]) {
      expect(describeIssue({ path: 'a', message: 'bad', value })).toMatch(/^a: bad \(given .{77}…\)$/);
    }
  });
});
