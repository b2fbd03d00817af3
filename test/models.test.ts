import * as fs from 'fs';
import * as path from 'path';
import { EVENT_NAMES, hiddenIntentName } from 'alexa-proactive-events';
import { readAppDeclaration } from 'jovo-plugin-proactive-events';
import { PROJECT_ROOT } from '../src/settings';

const HIDDEN_INTENT_NAMES = EVENT_NAMES.map(hiddenIntentName);

const root = path.join(__dirname, '..');
const sources = fs.readdirSync(path.join(root, 'models')).map((file) => path.join('models', file));
const built = fs
  .readdirSync(path.join(root, 'platforms/alexaSkill/skill-package/interactionModels/custom'))
  .map((file) => path.join('platforms/alexaSkill/skill-package/interactionModels/custom', file));

it('names the eight hidden intents after their events', () => {
  expect(HIDDEN_INTENT_NAMES).toEqual([
    'WeatherAlertIntent',
    'SportsEventIntent',
    'MessageAlertIntent',
    'OrderStatusIntent',
    'OccasionIntent',
    'TrashCollectionAlertIntent',
    'MediaContentIntent',
    'SocialGameInviteIntent',
  ]);
});

it.each([...sources, ...built])('keeps every hidden intent out of %s', (file) => {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  for (const intent of HIDDEN_INTENT_NAMES) expect(text).not.toContain(intent);
});

it('has a language model and a built interaction model for each locale in app.json, and no others', () => {
  const locales = [...readAppDeclaration(PROJECT_ROOT).locales].sort();
  expect(sources.map((file) => path.basename(file, '.json')).sort()).toEqual(locales);
  expect(built.map((file) => path.basename(file, '.json')).sort()).toEqual(locales);
});

it.each(built)('offers the visible intents in %s', (file) => {
  const model = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  const names = model.interactionModel.languageModel.intents.map((intent: { name: string }) => intent.name).sort();
  expect(names).toEqual([
    'AMAZON.CancelIntent',
    'AMAZON.FallbackIntent',
    'AMAZON.HelpIntent',
    'AMAZON.NavigateHomeIntent',
    'AMAZON.StopIntent',
    'EnableNotificationsIntent',
    'NotificationsInfoIntent',
  ]);
});
