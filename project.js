// Jovo CLI project configuration: `npm run build:platform` (jovo3 build -p alexaSkill --clean) turns it and
// models/ into platforms/alexaSkill. What the skill publishes is declared once, in app.json; this file only
// translates it into the skill manifest, so removing an event there removes it here after a build.
// Reference: https://developer.amazon.com/docs/smapi/proactive-events-api.html (manifest section)
const fs = require('fs');
const path = require('path');

const app = readAppJson();

/**
 * Where Alexa sends requests and skill events, per stage (jovo3 picks one with --stage, or JOVO_STAGE, STAGE or
 * NODE_ENV): `local`, the default, a webhook (SKILL_ENDPOINT: your Jovo Webhook or any https URL); `production`,
 * a Lambda function (SKILL_LAMBDA_ARN). The placeholders keep the committed build the same on every machine.
 */
const DEFAULT_ENDPOINT = 'https://skill.example.com/webhook';
const DEFAULT_LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:proactive-alerts';
const endpoint = process.env.SKILL_ENDPOINT || DEFAULT_ENDPOINT;
const lambdaArn = process.env.SKILL_LAMBDA_ARN || DEFAULT_LAMBDA_ARN;
const stageFlag = process.argv.indexOf('--stage');
const stage = (stageFlag > 0 && process.argv[stageFlag + 1]) || process.env.JOVO_STAGE || process.env.STAGE || process.env.NODE_ENV || 'local';

/** Store texts per locale; a locale in app.json needs an entry here and a model in models/. */
const PUBLISHING = {
  'en-US': {
    name: 'Proactive Alerts',
    summary: 'Notifications about weather, sports, orders, appointments and more.',
    description:
      'Proactive Alerts sends you Alexa notifications when something happens: weather alerts, ' +
      'sports score updates, new messages, order updates, appointment confirmations, trash collection days, ' +
      'new shows and game invitations. Say "turn on notifications" to get them.',
    examplePhrases: [
      'Alexa, open proactive alerts',
      'Alexa, ask proactive alerts to turn on notifications',
      'Alexa, ask proactive alerts what notifications you send',
    ],
    keywords: ['notifications', 'alerts', 'weather', 'sports', 'orders'],
  },
  'de-DE': {
    name: 'Proaktive Hinweise',
    summary: 'Benachrichtigungen zu Wetter, Sport, Bestellungen, Terminen und mehr.',
    description:
      'Proaktive Hinweise schickt dir Alexa-Benachrichtigungen, wenn etwas passiert: Unwetterwarnungen, ' +
      'Spielstände, neue Nachrichten, Bestellstatus, Terminbestätigungen, Abfuhrtage, neue Sendungen und ' +
      'Spieleinladungen. Sag "schalte Benachrichtigungen ein", um sie zu bekommen.',
    examplePhrases: [
      'Alexa, öffne proaktive hinweise',
      'Alexa, sag proaktive hinweise schalte benachrichtigungen ein',
      'Alexa, frag proaktive hinweise welche benachrichtigungen du schickst',
    ],
    keywords: ['Benachrichtigungen', 'Hinweise', 'Wetter', 'Sport', 'Bestellungen'],
  },
};

/** app.json, or the build's refusal saying where its JSON breaks (line and column, as the skill says it). */
function readAppJson() {
  const file = path.join(__dirname, 'app.json');
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    report(`${file} is ${library().jsonSyntaxError(text, error)}`);
  }
}

/** The eight events and the permission, from the library itself (npm install builds it). */
const { EVENT_NAMES, NOTIFICATIONS_PERMISSION, SKILL_EVENT_SUBSCRIPTIONS } = library();

function library() {
  try {
    // The public entry and the one the template shares with the plugin (the registry's views, jsonSyntaxError).
    return { ...require('alexa-proactive-events'), ...require('alexa-proactive-events/internal') };
  } catch (error) {
    report(`project.js needs the built alexa-proactive-events package: run npm install (${error.message.split('\n')[0]})`);
  }
}

/** The build refuses an app.json it cannot turn into a valid manifest; the app checks the rest on start. */
function checkAppJson() {
  const problems = [];
  if (!Array.isArray(app.events) || app.events.length === 0) {
    problems.push('"events" must list at least one event name, e.g. "AMAZON.WeatherAlert.Activated"');
  } else {
    app.events.forEach((name, i) => {
      if (!EVENT_NAMES.includes(name)) {
        problems.push(`events[${i}] is ${JSON.stringify(name)}: expected one of ${EVENT_NAMES.join(', ')}`);
      } else if (app.events.indexOf(name) !== i) {
        problems.push(`events[${i}] is ${JSON.stringify(name)}: listed twice`);
      }
    });
  }
  const models = fs
    .readdirSync(path.join(__dirname, 'models'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length));
  const locales = Array.isArray(app.locales) ? app.locales : [];
  if (locales.length === 0) problems.push('"locales" must list at least one locale, e.g. "en-US"');
  for (const locale of locales) {
    if (!models.includes(locale)) problems.push(`locale ${JSON.stringify(locale)} has no language model: add models/${locale}.json`);
    if (!PUBLISHING[locale]) problems.push(`locale ${JSON.stringify(locale)} has no store texts: add it to PUBLISHING in project.js`);
  }
  for (const model of models) {
    if (!locales.includes(model)) problems.push(`models/${model}.json exists but "locales" does not list ${JSON.stringify(model)}`);
  }
  if (app.schedules !== undefined) problems.push(...scheduleProblems());
  if (problems.length > 0) report(`app.json cannot be built into a skill manifest:\n  - ${problems.join('\n  - ')}`);
}

/** The schedules, checked as the skill checks them at start (the plugin's declaration), so a build never ships a bad one. */
function scheduleProblems() {
  try {
    require('jovo-plugin-proactive-events/internal').readAppDeclaration(__dirname);
    return [];
  } catch (error) {
    return (error.issues || []).filter((issue) => issue.path.startsWith('schedules')).map(library().describeIssue);
  }
}

/**
 * Refuses the build with `message`, and ends it: the Jovo CLI would replace a thrown message with its own
 * "project.js is missing or invalid", which is not the problem.
 */
function report(message) {
  console.error(message);
  process.exit(1);
}

/** The build refuses a Lambda ARN or skill id that jovo3 deploy could not use, naming the variable and the value. */
function checkEnvironment() {
  const problems = [];
  const arn = process.env.SKILL_LAMBDA_ARN;
  if (arn && !/^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/.test(arn)) {
    problems.push(`SKILL_LAMBDA_ARN is ${JSON.stringify(arn)}: expected a Lambda function ARN like ${DEFAULT_LAMBDA_ARN}`);
  }
  const skillId = process.env.SKILL_ID;
  if (skillId && !/^amzn1\.ask\.skill\.[0-9a-f-]{36}$/.test(skillId)) {
    problems.push(`SKILL_ID is ${JSON.stringify(skillId)}: expected a skill id like amzn1.ask.skill.00000000-0000-0000-0000-000000000000`);
  }
  if (problems.length > 0) report(`project.js cannot build the skill:\n  - ${problems.join('\n  - ')}`);
}

checkAppJson();
checkEnvironment();
// `jovo3 run`: see scripts/jovoRun.js.
if (process.argv[2] === 'run') require('./scripts/jovoRun');
if (stage === 'production' ? !process.env.SKILL_LAMBDA_ARN : !process.env.SKILL_ENDPOINT) {
  const [variable, placeholder] = stage === 'production' ? ['SKILL_LAMBDA_ARN', DEFAULT_LAMBDA_ARN] : ['SKILL_ENDPOINT', DEFAULT_ENDPOINT];
  console.warn(`project.js: ${variable} is not set; the ${stage} manifest points at the placeholder ${placeholder}. Set it before jovo3 deploy.`);
}

module.exports = {
  alexaSkill: {
    nlu: 'alexa',
    // The skill jovo3 deploy updates (kept in platforms/alexaSkill/.ask, which a clean build rewrites from this).
    ...(process.env.SKILL_ID && { skillId: process.env.SKILL_ID }),
    // Under alexaSkill (not the top-level `endpoint`) so that a Lambda ARN is written without an SSL type.
    endpoint,
    manifest: {
      publishingInformation: {
        testingInstructions:
          'Say "turn on notifications" and accept, then send an event with `npm run trigger` (see README). ' +
          'Notifications arrive on the developer account\'s devices (development stage).',
        locales: Object.fromEntries(app.locales.map((locale) => [locale, PUBLISHING[locale]])),
      },
      permissions: [{ name: NOTIFICATIONS_PERMISSION }],
      events: {
        publications: app.events.map((eventName) => ({ eventName })),
        endpoint: { uri: endpoint },
        subscriptions: SKILL_EVENT_SUBSCRIPTIONS.map((eventName) => ({ eventName })),
      },
    },
  },
  stages: {
    // The webhook: npm start behind SKILL_ENDPOINT, users in FileDb, the emulator for Amazon if you like.
    local: {},
    // AWS Lambda: `jovo3 deploy --stage production` uploads the bundle (npm run bundle) to SKILL_LAMBDA_ARN, the
    // function infra/template.yaml makes with its environment (DYNAMODB_TABLE, ALEXA_CLIENT_ID, ALEXA_CLIENT_SECRET,
    // TRIGGER_SECRET, …: docs/production.md); a build cannot set those.
    production: {
      alexaSkill: {
        endpoint: lambdaArn,
        manifest: { events: { endpoint: { uri: lambdaArn } } },
      },
    },
  },
};
