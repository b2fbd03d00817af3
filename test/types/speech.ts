/**
 * Compile-time tests of what the skill says, checked by `npm run typecheck` (never run): a handler speaks by a key
 * every locale has. Each `@ts-expect-error` fails the type check if its line compiles.
 */
import { t, type CommonKeys, type Speaker } from '../../src/skill/i18n';

declare const jovo: Speaker;

t(jovo, 'welcome');
t(jovo, 'permission.accepted');
t(jovo, 'status.some', { events: 'weather alerts' });
t(jovo, 'events.WeatherAlert');

// @ts-expect-error a key no locale has: Jovo's own this.t would take it, and Alexa would say "orderShipped.sent"
t(jovo, 'orderShipped.sent');
// @ts-expect-error a group of texts, not a text
t(jovo, 'permission');
// @ts-expect-error a misspelt key
t(jovo, 'welcom');

// A key one locale has and another lacks cannot be spoken, whichever locale lacks it.
const en = { translation: { welcome: 'Welcome.', reminder: { set: 'Reminder set.' } } };
const de = { translation: { welcome: 'Willkommen.', farewell: 'Tschüss.' } };
type Locales = { 'en-US': typeof en; 'de-DE': typeof de };
const shared: CommonKeys<Locales> = 'welcome';
// @ts-expect-error in en-US alone
const onlyEnglish: CommonKeys<Locales> = 'reminder.set';
// @ts-expect-error in de-DE alone
const onlyGerman: CommonKeys<Locales> = 'farewell';

void [shared, onlyEnglish, onlyGerman];
