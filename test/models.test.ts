import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EVENT_NAMES } from 'alexa-proactive-events';
import { hiddenIntentName } from 'alexa-proactive-events/trigger';
import { readAppDeclaration } from 'jovo-plugin-proactive-events/internal';
import { PROJECT_ROOT } from '../src/settings';
import { handlers, intentMap } from '../src/skill/handlers';

const HIDDEN_INTENT_NAMES = EVENT_NAMES.map(hiddenIntentName);
const BUILT = 'platforms/alexaSkill/skill-package/interactionModels/custom';
/** Handler keys that are Jovo's own routes, not intents of the model. */
const JOVO_ROUTES = new Set(['LAUNCH', 'END', 'Unhandled', 'ON_EVENT', 'ON_PERMISSION', 'NEW_SESSION', 'NEW_USER', 'ON_REQUEST', 'ON_ERROR']);

interface Model {
  file: string;
  intents: string[];
}

const read = (root: string, file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const jsonFiles = (root: string, dir: string) => fs.readdirSync(path.join(root, dir)).filter((file) => file.endsWith('.json')).map((file) => path.join(dir, file));

/** The intents of `models/<locale>.json` (Jovo's format: its own `intents` and Alexa's built-ins under `alexa`). */
function sourceModel(root: string, file: string): Model {
  const model = read(root, file);
  const alexa: Array<{ name: string }> = model.alexa?.interactionModel?.languageModel?.intents ?? [];
  return { file, intents: [...model.intents, ...alexa].map((intent: { name: string }) => intent.name).sort() };
}

/** The intents of the interaction model `jovo3 build` wrote for a locale. */
function builtModel(root: string, file: string): Model {
  return { file, intents: read(root, file).interactionModel.languageModel.intents.map((intent: { name: string }) => intent.name).sort() };
}

/**
 * What is wrong between the models and the handlers, as a fork would change them: every intent a model offers
 * reaches a handler; every handler of an intent is in every model; the built models match their sources; no hidden
 * intent is in any model. Derived from the files, so adding an intent to both passes.
 */
function modelProblems(root: string, handlerKeys: readonly string[], mapped: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const sources = jsonFiles(root, 'models').map((file) => sourceModel(root, file));
  const built = new Map(jsonFiles(root, BUILT).map((file) => [path.basename(file), builtModel(root, file)]));
  const handled = new Set(handlerKeys);
  const visible = handlerKeys.filter((key) => !JOVO_ROUTES.has(key) && !HIDDEN_INTENT_NAMES.includes(key) && !Object.values(mapped).includes(key));
  for (const model of [...sources, ...built.values()]) {
    for (const intent of HIDDEN_INTENT_NAMES.filter((name) => model.intents.includes(name))) problems.push(`${model.file} offers the hidden intent ${intent}`);
  }
  for (const { file, intents } of sources) {
    for (const intent of intents.filter((name) => !handled.has(mapped[name] ?? name))) problems.push(`${file} offers ${intent}, which no handler in src/skill/handlers.ts takes`);
    for (const key of visible.filter((name) => !intents.includes(name))) problems.push(`${file} lacks ${key}, which src/skill/handlers.ts handles`);
    const twin = built.get(path.basename(file));
    if (!twin) problems.push(`${file} has no built model in ${BUILT}: run npm run build:platform`);
    else if (twin.intents.join() !== intents.join()) problems.push(`${twin.file} is not built from ${file} (${twin.intents.join(', ')} vs ${intents.join(', ')}): run npm run build:platform`);
  }
  return problems;
}

const root = path.join(__dirname, '..');

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

it('has a language model and a built interaction model for each locale in app.json, and no others', () => {
  const locales = [...readAppDeclaration(PROJECT_ROOT).locales].sort();
  expect(jsonFiles(root, 'models').map((file) => path.basename(file, '.json')).sort()).toEqual(locales);
  expect(jsonFiles(root, BUILT).map((file) => path.basename(file, '.json')).sort()).toEqual(locales);
});

it('offers every intent it handles, handles every intent it offers, and keeps the hidden ones out', () => {
  expect(modelProblems(root, Object.keys(handlers), intentMap)).toEqual([]);
});

describe("a fork's first visible intent", () => {
  let copy: string;
  const addIntent = (file: string, at: (model: Record<string, any>) => Array<{ name: string }>, intent: Record<string, unknown>) => {
    const model = read(copy, file);
    at(model).push({ name: 'ModelTestExampleIntent', ...intent });
    fs.writeFileSync(path.join(copy, file), JSON.stringify(model));
  };

  beforeEach(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'fork-'));
    for (const dir of ['models', BUILT]) fs.cpSync(path.join(root, dir), path.join(copy, dir), { recursive: true });
  });
  afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('passes the model tests once it is in the handlers, the models and the built models', () => {
    for (const file of jsonFiles(copy, 'models')) addIntent(file, (model) => model.intents, { phrases: ['where is my order'] });
    for (const file of jsonFiles(copy, BUILT)) addIntent(file, (model) => model.interactionModel.languageModel.intents, { samples: ['where is my order'] });
    expect(modelProblems(copy, [...Object.keys(handlers), 'ModelTestExampleIntent'], intentMap)).toEqual([]);
  });

  it('is named, with the command to run, while a model or the build lacks it', () => {
    addIntent('models/en-US.json', (model) => model.intents, { phrases: ['where is my order'] });
    expect(modelProblems(copy, [...Object.keys(handlers), 'ModelTestExampleIntent'], intentMap)).toEqual([
      'models/de-DE.json lacks ModelTestExampleIntent, which src/skill/handlers.ts handles',
      expect.stringMatching(/^platforms\/.*\/en-US\.json is not built from models\/en-US\.json .*: run npm run build:platform$/),
    ]);
  });
});
