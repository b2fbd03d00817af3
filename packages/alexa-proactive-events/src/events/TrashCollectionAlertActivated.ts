import { z } from 'zod';
import { defineEvent, listOf, spokenList, strictObject, type Words } from './common';

export const GARBAGE_TYPES = [
  'BOTTLES',
  'BULKY',
  'BURNABLE',
  'CANS',
  'CLOTHING',
  'COMPOSTABLE',
  'CRUSHABLE',
  'GARDEN_WASTE',
  'GLASS',
  'HAZARDOUS',
  'HOME_APPLIANCES',
  'KITCHEN_WASTE',
  'LANDFILL',
  'PET_BOTTLES',
  'RECYCLABLE_PLASTICS',
  'WASTE_PAPER',
] as const;
export const DAYS_OF_WEEK = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

const GARBAGE: Words<(typeof GARBAGE_TYPES)[number]> = {
  en: {
    BOTTLES: 'bottles', BULKY: 'bulky waste', BURNABLE: 'burnable waste', CANS: 'cans', CLOTHING: 'clothing',
    COMPOSTABLE: 'compostable', CRUSHABLE: 'crushable waste', GARDEN_WASTE: 'garden waste', GLASS: 'glass',
    HAZARDOUS: 'hazardous waste', HOME_APPLIANCES: 'home appliances', KITCHEN_WASTE: 'kitchen waste', LANDFILL: 'landfill',
    PET_BOTTLES: 'PET bottles', RECYCLABLE_PLASTICS: 'recyclable plastics', WASTE_PAPER: 'waste paper',
  },
  de: {
    BOTTLES: 'Flaschen', BULKY: 'Sperrmüll', BURNABLE: 'brennbaren Abfall', CANS: 'Dosen', CLOTHING: 'Altkleider',
    COMPOSTABLE: 'Bioabfall', CRUSHABLE: 'zerkleinerbaren Abfall', GARDEN_WASTE: 'Gartenabfälle', GLASS: 'Glas',
    HAZARDOUS: 'Sondermüll', HOME_APPLIANCES: 'Haushaltsgeräte', KITCHEN_WASTE: 'Küchenabfälle', LANDFILL: 'Restmüll',
    PET_BOTTLES: 'PET-Flaschen', RECYCLABLE_PLASTICS: 'recycelbare Kunststoffe', WASTE_PAPER: 'Altpapier',
  },
};
const DAYS: Words<(typeof DAYS_OF_WEEK)[number]> = {
  en: { MONDAY: 'Monday', TUESDAY: 'Tuesday', WEDNESDAY: 'Wednesday', THURSDAY: 'Thursday', FRIDAY: 'Friday', SATURDAY: 'Saturday', SUNDAY: 'Sunday' },
  de: { MONDAY: 'Montag', TUESDAY: 'Dienstag', WEDNESDAY: 'Mittwoch', THURSDAY: 'Donnerstag', FRIDAY: 'Freitag', SATURDAY: 'Samstag', SUNDAY: 'Sonntag' },
};

/**
 * "The coming Tuesday is compostable and recyclable plastics collection day."
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html#trash-collection-alert
 */
export const TrashCollectionAlertActivated = defineEvent({
  name: 'AMAZON.TrashCollectionAlert.Activated',
  command: 'trash',
  example: { 'garbage-types': 'GLASS,RECYCLABLE_PLASTICS', 'collection-day-of-week': 'TUESDAY' },
  payload: () =>
    strictObject({
    alert: strictObject({
      garbageTypes: listOf(z.enum(GARBAGE_TYPES), { min: 1, max: 5 }),
      collectionDayOfWeek: z.enum(DAYS_OF_WEEK),
    }),
  }),
  inputs: [
    {
      flag: 'garbage-types',
      path: ['alert', 'garbageTypes'],
      kind: 'list',
      values: GARBAGE_TYPES,
      description: '1 to 5 kinds, comma-separated',
    },
    { flag: 'collection-day-of-week', path: ['alert', 'collectionDayOfWeek'], kind: 'enum', values: DAYS_OF_WEEK, description: 'the collection day' },
  ],
  text: {
    en: ({ alert }, locale) =>
      `The coming ${DAYS.en[alert.collectionDayOfWeek]} is ${spokenList(alert.garbageTypes.map((t) => GARBAGE.en[t]), locale)} collection day.`,
    de: ({ alert }, locale) =>
      `Am kommenden ${DAYS.de[alert.collectionDayOfWeek]} ist Abholung für ${spokenList(alert.garbageTypes.map((t) => GARBAGE.de[t]), locale)}.`,
  },
});

/** The payload of an AMAZON.TrashCollectionAlert.Activated event, as the schema above checks it. */
export type TrashCollectionAlertActivatedPayload = z.output<(typeof TrashCollectionAlertActivated)['payload']>;
