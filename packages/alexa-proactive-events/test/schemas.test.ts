import { z } from 'zod';
import {
  EVENT_NAMES,
  buildRequest,
  previewText,
  validateRequest,
  type EventName,
  type ValidationOptions,
} from '../src';
import { EventSchema, eventFromInputs, type EventInputs } from '../src/internal';

/** Every field of every event, as CLI flags carry them, with what Alexa says in English and German. */
const COMPLETE: Record<EventName, { inputs: EventInputs; en: string; de: string }> = {
  'AMAZON.WeatherAlert.Activated': {
    inputs: { 'alert-type': 'HURRICANE', source: 'Weather Knows' },
    en: 'There is a hurricane alert for your area. Provided by Weather Knows.',
    de: 'Es gibt eine Hurrikanwarnung für deine Region. Bereitgestellt von Weather Knows.',
  },
  'AMAZON.SportsEvent.Updated': {
    inputs: {
      league: 'TreeFruit League',
      'home-team': 'Oranges',
      'home-score': '1',
      'away-team': 'Apples',
      'away-score': '2',
      'team-name': 'Apples',
      'score-earned': '1',
    },
    en: 'TreeFruit League match update, Apples scored! Apples 2, Oranges 1.',
    de: 'TreeFruit League, Spielstand: Apples hat getroffen! Apples 2, Oranges 1.',
  },
  'AMAZON.MessageAlert.Activated': {
    inputs: { status: 'FLAGGED', freshness: 'OVERDUE', creator: 'Jane Doe', count: '1', urgency: 'URGENT' },
    en: 'You have 1 overdue flagged urgent message from Jane Doe.',
    de: 'Du hast 1 überfällige markierte dringende Nachricht von Jane Doe.',
  },
  'AMAZON.OrderStatus.Updated': {
    inputs: {
      status: 'ORDER_SHIPPED',
      seller: 'Amazon',
      'expected-arrival': '2019-05-18T12:00:00Z',
      'enter-timestamp': '2019-05-15T08:00:00Z',
      'delivered-on': '2019-05-18T12:00:00Z',
    },
    en: 'Your order from Amazon has been shipped and will arrive by May 18, 2019.',
    de: 'Deine Bestellung bei Amazon wurde versandt und kommt bis zum 18. Mai 2019 an.',
  },
  'AMAZON.Occasion.Updated': {
    inputs: {
      'confirmation-status': 'RESCHEDULED',
      'occasion-type': 'RESERVATION',
      subject: 'dinner for two',
      provider: 'Chez Example',
      'booking-time': '2019-05-10T19:00:00Z',
      broker: 'Table Finder',
    },
    en: 'Your reservation at Chez Example for dinner for two on May 10, 2019 has been rescheduled.',
    de: 'Deine Reservierung bei Chez Example für dinner for two am 10. Mai 2019 wurde verschoben.',
  },
  'AMAZON.TrashCollectionAlert.Activated': {
    inputs: { 'garbage-types': 'GLASS, WASTE_PAPER,CANS', 'collection-day-of-week': 'FRIDAY' },
    en: 'The coming Friday is glass, waste paper, and cans collection day.',
    de: 'Am kommenden Freitag ist Abholung für Glas, Altpapier und Dosen.',
  },
  'AMAZON.MediaContent.Available': {
    inputs: {
      content: 'Salvage Hunters',
      'content-type': 'EPISODE',
      method: 'PREMIERE',
      'start-time': '2019-01-03T21:00:00Z',
      provider: 'Amazon Video',
    },
    en: 'Salvage Hunters will premiere on January 3, 2019 on Amazon Video.',
    de: 'Salvage Hunters hat am 3. Januar 2019 auf Amazon Video Premiere.',
  },
  'AMAZON.SocialGameInvite.Available': {
    inputs: { inviter: 'John Stiles', 'relationship-to-invitee': 'CONTACT', 'invite-type': 'INVITE', offer: 'REMATCH', game: 'chess' },
    en: 'Your contact John Stiles has invited you to a rematch of chess.',
    de: 'Dein Kontakt John Stiles hat dich zu einer Revanche chess eingeladen.',
  },
};

/**
 * Required fields per event, from the "Required" column of Amazon's tables (with the corrections listed in the
 * reference: MediaContent's contentType is optional; SocialGameInvite's relationshipToInvitee and inviteType may
 * sit in either of two places, tested on their own below). A field under an optional object is required once
 * that object is given.
 */
const REQUIRED: Record<EventName, string[]> = {
  'AMAZON.WeatherAlert.Activated': ['weatherAlert', 'weatherAlert.alertType'],
  'AMAZON.SportsEvent.Updated': [
    'update.scoreEarned', 'update.teamName', 'sportsEvent', 'sportsEvent.eventLeague', 'sportsEvent.eventLeague.name',
    'sportsEvent.homeTeamStatistic', 'sportsEvent.homeTeamStatistic.team', 'sportsEvent.homeTeamStatistic.team.name', 'sportsEvent.homeTeamStatistic.score',
    'sportsEvent.awayTeamStatistic', 'sportsEvent.awayTeamStatistic.team', 'sportsEvent.awayTeamStatistic.team.name', 'sportsEvent.awayTeamStatistic.score',
  ],
  'AMAZON.MessageAlert.Activated': ['state', 'state.status', 'messageGroup', 'messageGroup.creator', 'messageGroup.creator.name', 'messageGroup.count'],
  'AMAZON.OrderStatus.Updated': ['state', 'state.status', 'order', 'order.seller', 'order.seller.name'],
  'AMAZON.Occasion.Updated': [
    'state', 'state.confirmationStatus', 'occasion', 'occasion.occasionType', 'occasion.subject', 'occasion.provider',
    'occasion.provider.name', 'occasion.bookingTime', 'occasion.broker.name',
  ],
  'AMAZON.TrashCollectionAlert.Activated': ['alert', 'alert.garbageTypes', 'alert.collectionDayOfWeek'],
  'AMAZON.MediaContent.Available': ['availability', 'availability.startTime', 'availability.provider.name', 'availability.method', 'content', 'content.name'],
  'AMAZON.SocialGameInvite.Available': ['invite', 'invite.inviter', 'invite.inviter.name', 'game', 'game.offer', 'game.name'],
};

type JsonSchema = { properties?: Record<string, JsonSchema>; required?: string[]; enum?: string[]; items?: JsonSchema };

/** Required field paths, and fields with closed enumerations, as the generated JSON Schema states them. */
function fieldsOf(schema: JsonSchema, prefix: string[] = []) {
  const required: string[][] = [];
  const enums: Array<{ path: Array<string | number>; values: string[] }> = [];
  const walk = (node: JsonSchema, at: Array<string | number>) => {
    if (node.enum) enums.push({ path: at, values: node.enum });
    if (node.items) walk(node.items, [...at, 0]);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (node.required?.includes(key)) required.push([...(at as string[]), key]);
      walk(child, [...at, key]);
    }
  };
  walk(schema, prefix);
  return { required, enums };
}

function payloadSchema(name: EventName): JsonSchema {
  const option = EventSchema.options.find((candidate) => candidate.shape.name.value === name)!;
  return (z.toJSONSchema(option) as JsonSchema).properties!.payload;
}

function completeRequest(name: EventName) {
  const { event, localizedAttributes } = eventFromInputs(name, COMPLETE[name].inputs, ['en-US', 'de-DE']);
  return buildRequest({ event, localizedAttributes });
}

/** Runs `change` on a copy of the complete payload and validates the result. */
function validateChanged(name: EventName, change: (payload: Record<string, unknown>) => void, options: ValidationOptions = {}) {
  const request = structuredClone(completeRequest(name));
  change(request.event.payload as Record<string, unknown>);
  return validateRequest(request, options);
}

function parentOf(payload: Record<string, unknown>, path: ReadonlyArray<string | number>): Record<string | number, unknown> {
  return path.slice(0, -1).reduce<Record<string | number, unknown>>((at, key) => at[key] as Record<string | number, unknown>, payload);
}

describe.each(EVENT_NAMES)('%s', (name) => {
  it('is built from plain inputs, accepted, and spoken in English and German', () => {
    const result = validateRequest(completeRequest(name));
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
    expect(result.warnings).toEqual([]);
    expect(previewText(result.request, 'en-US')).toBe(COMPLETE[name].en);
    expect(previewText(result.request, 'de-DE')).toBe(COMPLETE[name].de);
  });

  it('requires the fields Amazon marks required', () => {
    expect(fieldsOf(payloadSchema(name)).required.map((path) => path.join('.')).sort()).toEqual([...REQUIRED[name]].sort());
  });

  it('refuses the event when any required field is missing, naming the field', () => {
    for (const path of fieldsOf(payloadSchema(name)).required) {
      const result = validateChanged(name, (payload) => delete parentOf(payload, path)[path[path.length - 1]]);
      expect(result).toMatchObject({ ok: false, issues: expect.arrayContaining([{ path: `event.payload.${path.join('.')}`, message: expect.stringMatching(/^required/) }]) });
    }
  });

  it('refuses any value outside a closed enumeration, naming the field and the allowed values', () => {
    const { enums } = fieldsOf(payloadSchema(name));
    // Sports events are the only ones without an enumeration.
    expect(enums.length > 0).toBe(name !== 'AMAZON.SportsEvent.Updated');
    for (const { path, values } of enums) {
      const result = validateChanged(name, (payload) => (parentOf(payload, path)[path[path.length - 1]] = 'NOT_A_VALUE'));
      const where = path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${key}`), 'event.payload');
      expect(result).toMatchObject({
        ok: false,
        issues: [{ path: where, message: `expected ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}`, value: 'NOT_A_VALUE' }],
      });
    }
  });

  it('warns of a field the schema does not have, listing the ones it has, and refuses it when strict', () => {
    const result = validateChanged(name, (payload) => (payload.surprise = true));
    expect(result).toMatchObject({ ok: true, warnings: [{ path: 'event.payload.surprise', message: expect.stringMatching(/^unknown field; the fields here are .*; Amazon's documentation does not name it$/), value: true }] });
    const strict = validateChanged(name, (payload) => (payload.surprise = true), { strict: true });
    expect(strict).toMatchObject({ ok: false, issues: [{ path: 'event.payload.surprise', message: expect.stringMatching(/^unknown field; the fields here are /), value: true }] });
  });
});
