import { z } from 'zod';
import { dateTime, defineEvent, localizableText, readableDate, strictObject, type Words } from './common';

export const CONFIRMATION_STATUSES = ['CONFIRMED', 'CANCELED', 'RESCHEDULED', 'REQUESTED', 'CREATED', 'UPDATED'] as const;
export const OCCASION_TYPES = ['RESERVATION_REQUEST', 'RESERVATION', 'APPOINTMENT_REQUEST', 'APPOINTMENT'] as const;

const STATUSES: Words<(typeof CONFIRMATION_STATUSES)[number]> = {
  en: { CONFIRMED: 'confirmed', CANCELED: 'canceled', RESCHEDULED: 'rescheduled', REQUESTED: 'requested', CREATED: 'created', UPDATED: 'updated' },
  de: { CONFIRMED: 'bestätigt', CANCELED: 'abgesagt', RESCHEDULED: 'verschoben', REQUESTED: 'angefragt', CREATED: 'angelegt', UPDATED: 'aktualisiert' },
};
/** German needs the possessive to agree with the noun, so it is part of the words. */
const OCCASIONS: Words<(typeof OCCASION_TYPES)[number]> = {
  en: { RESERVATION_REQUEST: 'reservation request', RESERVATION: 'reservation', APPOINTMENT_REQUEST: 'appointment request', APPOINTMENT: 'appointment' },
  de: { RESERVATION_REQUEST: 'Deine Reservierungsanfrage', RESERVATION: 'Deine Reservierung', APPOINTMENT_REQUEST: 'Deine Terminanfrage', APPOINTMENT: 'Dein Termin' },
};

/**
 * "Your appointment at Dental XYZ for root canal on November 20, 2018 has been confirmed." Amazon then adds
 * "Please say 'ask <skill name> to review'", which the skill does not know and the preview leaves out.
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html#occasion
 */
export const OccasionUpdated = defineEvent({
  name: 'AMAZON.Occasion.Updated',
  command: 'occasion',
  example: {
    'confirmation-status': 'CONFIRMED',
    'occasion-type': 'APPOINTMENT',
    subject: 'root canal',
    provider: 'Dental XYZ',
    'booking-time': '2026-12-10T15:00:00Z',
  },
  payload: () =>
    strictObject({
    state: strictObject({ confirmationStatus: z.enum(CONFIRMATION_STATUSES) }),
    occasion: strictObject({
      occasionType: z.enum(OCCASION_TYPES),
      subject: localizableText,
      provider: strictObject({ name: localizableText }),
      bookingTime: dateTime,
      broker: strictObject({ name: localizableText }).optional(),
    }),
  }),
  inputs: [
    { flag: 'confirmation-status', path: ['state', 'confirmationStatus'], kind: 'enum', values: CONFIRMATION_STATUSES, description: 'what happened to it' },
    { flag: 'occasion-type', path: ['occasion', 'occasionType'], kind: 'enum', values: OCCASION_TYPES, description: 'what was booked' },
    { flag: 'subject', path: ['occasion', 'subject'], kind: 'text', localizedKey: 'subject', description: 'what it is for, e.g. "root canal"' },
    { flag: 'provider', path: ['occasion', 'provider', 'name'], kind: 'text', localizedKey: 'providerName', description: 'e.g. "Dental XYZ"' },
    { flag: 'booking-time', path: ['occasion', 'bookingTime'], kind: 'date-time', description: 'when it takes place' },
    { flag: 'broker', path: ['occasion', 'broker', 'name'], kind: 'text', localizedKey: 'brokerName', description: 'who booked it' },
  ],
  text: {
    en: ({ state, occasion }, locale) =>
      `Your ${OCCASIONS.en[occasion.occasionType]} at ${occasion.provider.name} for ${occasion.subject} ` +
      `on ${readableDate(occasion.bookingTime, locale)} has been ${STATUSES.en[state.confirmationStatus]}.`,
    de: ({ state, occasion }, locale) =>
      `${OCCASIONS.de[occasion.occasionType]} bei ${occasion.provider.name} für ${occasion.subject} ` +
      `am ${readableDate(occasion.bookingTime, locale)} wurde ${STATUSES.de[state.confirmationStatus]}.`,
  },
});

/** The payload of an AMAZON.Occasion.Updated event, as the schema above checks it. */
export type OccasionUpdatedPayload = z.output<(typeof OccasionUpdated)['payload']>;
