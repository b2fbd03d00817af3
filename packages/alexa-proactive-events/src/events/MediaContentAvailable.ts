import { z } from 'zod';
import { dateTime, defineEvent, localizableText, readableDate, strictObject, type Words } from './common';

export const DISTRIBUTION_METHODS = ['STREAM', 'AIR', 'RELEASE', 'PREMIERE', 'DROP'] as const;
export const MEDIA_TYPES = ['BOOK', 'EPISODE', 'ALBUM', 'SINGLE', 'MOVIE', 'GAME'] as const;

const VERBS: Words<(typeof DISTRIBUTION_METHODS)[number]> = {
  en: { STREAM: 'stream', AIR: 'air', RELEASE: 'be released', PREMIERE: 'premiere', DROP: 'drop' },
  de: { STREAM: 'wird gestreamt', AIR: 'läuft', RELEASE: 'erscheint', PREMIERE: 'hat Premiere', DROP: 'erscheint' },
};

/**
 * "Salvage Hunters will air on January 3, 2019 on Amazon Video." Without a provider, the last part goes.
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html#media-content
 */
export const MediaContentAvailable = defineEvent({
  name: 'AMAZON.MediaContent.Available',
  command: 'media',
  example: { content: 'Salvage Hunters', 'content-type': 'EPISODE', method: 'AIR', 'start-time': '2027-01-03T21:00:00Z', provider: 'Amazon Video' },
  payload: () =>
    strictObject({
    availability: strictObject({
      startTime: dateTime,
      provider: strictObject({ name: localizableText }).optional(),
      method: z.enum(DISTRIBUTION_METHODS),
    }),
    content: strictObject({
      name: localizableText,
      // The table says required; Amazon's own example leaves it out and the service accepts that.
      contentType: z.enum(MEDIA_TYPES).optional(),
    }),
  }),
  inputs: [
    { flag: 'content', path: ['content', 'name'], kind: 'text', localizedKey: 'contentName', description: 'the title, e.g. "Salvage Hunters"' },
    { flag: 'content-type', path: ['content', 'contentType'], kind: 'enum', values: MEDIA_TYPES, description: 'the kind of content' },
    { flag: 'method', path: ['availability', 'method'], kind: 'enum', values: DISTRIBUTION_METHODS, description: 'how it comes out' },
    { flag: 'start-time', path: ['availability', 'startTime'], kind: 'date-time', description: 'when it is available' },
    {
      flag: 'provider',
      path: ['availability', 'provider', 'name'],
      kind: 'text',
      localizedKey: 'providerName',
      description: 'where, e.g. "Amazon Video"',
    },
  ],
  text: {
    en: ({ availability, content }, locale) =>
      `${content.name} will ${VERBS.en[availability.method]} on ${readableDate(availability.startTime, locale)}` +
      `${availability.provider ? ` on ${availability.provider.name}` : ''}.`,
    de: ({ availability, content }, locale) => {
      const [verb, ...rest] = VERBS.de[availability.method].split(' ');
      const where = availability.provider ? ` auf ${availability.provider.name}` : '';
      return `${content.name} ${verb} am ${readableDate(availability.startTime, locale)}${where}${rest.length ? ` ${rest.join(' ')}` : ''}.`;
    },
  },
});

/** The payload of an AMAZON.MediaContent.Available event, as the schema above checks it. */
export type MediaContentAvailablePayload = z.output<(typeof MediaContentAvailable)['payload']>;
