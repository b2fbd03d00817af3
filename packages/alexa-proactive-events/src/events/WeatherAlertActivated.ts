import { z } from 'zod';
import { defineEvent, localizableText, strictObject, type Words } from './common';

/** @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html#weather-alert */
export const ALERT_TYPES = ['TORNADO', 'HURRICANE', 'SNOW_STORM', 'THUNDER_STORM'] as const;

const ALERTS: Words<(typeof ALERT_TYPES)[number]> = {
  en: { TORNADO: 'tornado', HURRICANE: 'hurricane', SNOW_STORM: 'snow storm', THUNDER_STORM: 'thunderstorm' },
  de: { TORNADO: 'Tornadowarnung', HURRICANE: 'Hurrikanwarnung', SNOW_STORM: 'Schneesturmwarnung', THUNDER_STORM: 'Gewitterwarnung' },
};

/** "There is a tornado alert for your area. Provided by Weather Knows." Without a source, the second sentence goes. */
export const WeatherAlertActivated = defineEvent({
  name: 'AMAZON.WeatherAlert.Activated',
  command: 'weather',
  example: { 'alert-type': 'TORNADO', source: 'Weather Knows' },
  payload: () =>
    strictObject({
    weatherAlert: strictObject({
      source: localizableText.optional(),
      alertType: z.enum(ALERT_TYPES),
    }),
  }),
  inputs: [
    { flag: 'alert-type', path: ['weatherAlert', 'alertType'], kind: 'enum', values: ALERT_TYPES, description: 'the kind of alert' },
    {
      flag: 'source',
      path: ['weatherAlert', 'source'],
      kind: 'text',
      localizedKey: 'source',
      description: 'who issued it, e.g. "Weather Knows"',
    },
  ],
  text: {
    en: ({ weatherAlert: { alertType, source } }) =>
      `There is a ${ALERTS.en[alertType]} alert for your area.${source ? ` Provided by ${source}.` : ''}`,
    de: ({ weatherAlert: { alertType, source } }) =>
      `Es gibt eine ${ALERTS.de[alertType]} für deine Region.${source ? ` Bereitgestellt von ${source}.` : ''}`,
  },
});

/** The payload of an AMAZON.WeatherAlert.Activated event, as the schema above checks it. */
export type WeatherAlertActivatedPayload = z.output<(typeof WeatherAlertActivated)['payload']>;
