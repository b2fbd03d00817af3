import { deDE } from './de-DE';
import { enUS, type Texts } from './en-US';

/** i18next resources by locale; a locale in app.json needs texts here. */
export const resources: Record<string, Texts> = { 'en-US': enUS, 'de-DE': deDE };
export const FALLBACK_LOCALE = 'en-US';
