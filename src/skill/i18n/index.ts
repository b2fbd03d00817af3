import { deDE } from './de-DE';
import { enUS } from './en-US';

/**
 * The texts of each locale, none of them the model of the others; a locale in app.json needs texts here. This module
 * imports nothing else, so that a test can compile it alone, quickly.
 */
const LOCALES = { 'en-US': enUS, 'de-DE': deDE };

/** The locale whose texts i18next takes for a request in a locale without texts. */
export const FALLBACK_LOCALE = 'en-US';

/** The dotted key of every text in `Texts`: `welcome`, `permission.accepted`, …. */
type KeysOf<Texts> = {
  [Key in keyof Texts & string]: Texts[Key] extends string ? Key : `${Key}.${KeysOf<Texts[Key]>}`;
}[keyof Texts & string];

/** Each locale's keys. */
type LocaleKeys<Locales> = { [Locale in keyof Locales]: KeysOf<Locales[Locale] extends { translation: infer Texts } ? Texts : never> };

/** The keys every one of `Locales` has: those alone can be spoken in every locale. */
// The intersection of each locale's keys: inferred from a union of functions, a parameter's type is the intersection
// of theirs, which TypeScript has no operator for over a mapped type.
export type CommonKeys<Locales> = { [Locale in keyof Locales]: (key: LocaleKeys<Locales>[Locale]) => void }[keyof Locales] extends (key: infer Key) => void
  ? Key
  : never;

/**
 * `Locales` when each has every key any of them has; otherwise each locale that lacks keys requires a property
 * that names them (`'missing speech key: goodbye'`), so the type check fails at `resources`, naming the locale and
 * the key, whichever locale it is.
 */
export type CompleteLocales<Locales> = {
  [Locale in keyof Locales]: [Exclude<LocaleKeys<Locales>[keyof Locales], LocaleKeys<Locales>[Locale]>] extends [never]
    ? Locales[Locale]
    : Locales[Locale] & { [Missing in `missing speech key: ${Exclude<LocaleKeys<Locales>[keyof Locales], LocaleKeys<Locales>[Locale]>}`]: string };
};

/** i18next resources by locale. */
export const resources: CompleteLocales<typeof LOCALES> = LOCALES;

/** What the skill can say: the key of a text that every locale has (`welcome`, `permission.accepted`, …). */
export type SpeechKey = CommonKeys<typeof LOCALES>;

/** Whatever has Jovo's `t`: the Jovo object of a request. */
export interface Speaker {
  t(key: string, values?: object): string | string[];
}

/**
 * The text of `key` in the request's locale, with `{{name}}` placeholders filled from `values`. This is Jovo's
 * `this.t`, whose key is any string (a key no locale has is spoken as the key itself); here the type check refuses a
 * key that any locale lacks.
 */
export function t(jovo: Speaker, key: SpeechKey, values?: Record<string, string>): string {
  return String(jovo.t(key, values));
}
