import { ProactiveEventsError } from '../errors';
import { eventDefinition } from '../events/names';
import type { ProactiveEventRequest } from './validate';
import { LOCALIZED_ATTRIBUTE_PREFIX, type Language } from '../events/common';

export const PREVIEW_LANGUAGES: readonly Language[] = ['en', 'de'];

/** Why a valid event has no preview in a locale: no text in that language, or no localized attributes for it. */
export class PreviewError extends ProactiveEventsError<'ERR_PREVIEW_LOCALE'> {
  override readonly name = 'PreviewError';
  constructor(message: string) {
    super('ERR_PREVIEW_LOCALE', message);
  }
}

/**
 * The sentence Alexa says for a valid request in `locale`: Amazon's template for the event, filled from the
 * payload with the localized attributes of that locale, enumerations in words and dates readable (UTC).
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html
 */
export function previewText(request: ProactiveEventRequest, locale: string): string {
  const language = locale.slice(0, 2) as Language;
  if (!PREVIEW_LANGUAGES.includes(language)) {
    throw new PreviewError(`No notification text in ${locale}: the previews are written in ${PREVIEW_LANGUAGES.join(' and ')}`);
  }
  const entry = request.localizedAttributes?.find((attributes) => attributes.locale === locale);
  const payload = resolve(request.event.payload, (key) => {
    if (!entry) {
      const given = request.localizedAttributes?.map((attributes) => attributes.locale).join(', ');
      throw new PreviewError(`The event has no localizedAttributes for ${locale}${given ? `; it has ${given}` : ''}`);
    }
    return entry[key];
  });
  const text = eventDefinition(request.event.name).text[language] as (payload: unknown, locale: string) => string;
  return text(payload, locale);
}

/** The locales a preview can be given in: those of the localized attributes, or every language if none are used. */
export function previewLocales(request: ProactiveEventRequest): string[] {
  const locales = request.localizedAttributes?.map((attributes) => attributes.locale) ?? ['en-US', 'de-DE'];
  return locales.filter((locale) => PREVIEW_LANGUAGES.includes(locale.slice(0, 2) as Language));
}

/** A copy of `value` with every `localizedattribute:<key>` replaced by `lookup(key)`. */
function resolve(value: unknown, lookup: (key: string) => string): unknown {
  if (typeof value === 'string') {
    return value.startsWith(LOCALIZED_ATTRIBUTE_PREFIX) ? lookup(value.slice(LOCALIZED_ATTRIBUTE_PREFIX.length)) : value;
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, lookup));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, lookup)]));
  }
  return value;
}
