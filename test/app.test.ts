import { createApp } from '../src/skill/app';
import { testSettings } from './helpers/settings';

it('refuses to create the app for a locale it has no speech for', () => {
  const settings = testSettings();
  settings.app.locales = ['en-US', 'fr-FR'];
  expect(() => createApp(settings)).toThrow('app.json lists fr-FR, but src/skill/i18n has no texts for it: add them to src/skill/i18n/index.ts');
});
