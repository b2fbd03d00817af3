import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProactiveEventsSender, TokenClient, type EventName, type Stage } from 'alexa-proactive-events';
import type { Db, Handler, Jovo } from 'jovo-framework';
import { App } from 'jovo-framework/dist/src/App';
import { Alexa } from 'jovo-platform-alexa';
import { ProactiveEvents, SerialFileDb, type ProactiveEventsOptions, createLambdaHandler, hiddenIntentHandlers, skillEventHandlers, type DoorOptions, type LambdaHandler, type LambdaOptions } from '../../src';
import { localSkillId, readAppDeclaration } from '../../src/internal';

/** Amazon's schema page examples, as request bodies, which the library ships. */
export const EXAMPLES = path.join(path.dirname(require.resolve('alexa-proactive-events/package.json')), 'examples');

/** The project of these tests: app.json with all eight events, in English and German. */
export const PROJECT = path.join(__dirname, '..', 'fixtures', 'project');

/** What a test skill is made of, as a skill's settings would say it. */
export interface Settings {
  app: { events: EventName[]; locales: string[]; expiresInMinutes: number };
  fileDbPath: string;
  dynamoDb?: { tableName: string; endpoint?: string; region?: string };
  sending: { credentials?: { clientId: string; clientSecret: string }; tokenUrl: string; allowedOrigins: string[]; stage: Stage };
  triggerSecret?: string;
  alexa: { skillId?: string; verifyRequests: boolean };
}

/**
 * Settings of a skill with every event, the FileDb in a fresh temporary folder, and Alexa's signature not
 * checked: these tests post plain requests to what stands behind the door. doors.test.ts signs its requests and
 * checks the door itself.
 */
export function testSettings(): Settings {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-test-'));
  return {
    app: readAppDeclaration(PROJECT),
    fileDbPath: path.join(dir, 'db.json'),
    sending: { tokenUrl: 'http://127.0.0.1:9/auth/o2/token', allowedOrigins: [], stage: 'development' },
    alexa: { verifyRequests: false },
  };
}

/** The plugin's handlers, and a launch that says who it is. */
export const handlers: Handler = {
  ...hiddenIntentHandlers,
  ON_EVENT: { ...skillEventHandlers },
  LAUNCH(this: Jovo) {
    this.ask('Welcome to the test skill.', 'What now?');
  },
};

/** A Jovo v3 app as a skill that installed the plugin makes it: Alexa, a database, the plugin, its handlers. */
export function createApp(settings: Settings, { db, plugin }: { db?: Db; plugin?: Partial<ProactiveEventsOptions> } = {}): App {
  const app = new App({ logging: false });
  const { credentials, tokenUrl, allowedOrigins, stage } = settings.sending;
  // Every retry of the default policy, with pauses of milliseconds rather than up to seconds: the pauses' lengths
  // are the library's to test (sender.test.ts records them); these tests need what a skill does after its retries.
  const retry = { baseDelayMs: 1 };
  const sender = credentials && new ProactiveEventsSender({ tokens: new TokenClient({ ...credentials, tokenUrl }), allowedOrigins, stage, publishedEvents: settings.app.events, retry });
  const store = db ?? (settings.dynamoDb ? dynamoDb(settings.dynamoDb) : new SerialFileDb({ pathToFile: settings.fileDbPath }));
  app.use(
    new Alexa(),
    store,
    new ProactiveEvents({ events: settings.app.events, expiresInMinutes: settings.app.expiresInMinutes, sender, stage, apiEndpoints: allowedOrigins, ...plugin }),
  );
  app.setHandler(handlers);
  return app;
}

/**
 * The identity of a test skill without a skill id: its project's local identity, which the trigger script run in
 * that project signs for.
 */
export const LOCAL_TEST_SKILL = localSkillId(PROJECT);

/** The doors' options for `settings`: who may come in, and the secret and stage triggers are verified against. */
export function gateOptions({ alexa, triggerSecret, sending }: Settings): DoorOptions {
  return { skillId: alexa.skillId, localSkillId: LOCAL_TEST_SKILL, signatures: alexa.verifyRequests, triggerSecret, stage: sending.stage };
}

/** The deployment of `settings`, which its triggers must be signed for. */
export function audienceOf({ alexa, sending }: Settings): { skillId: string; stage: Stage } {
  return { skillId: alexa.skillId ?? LOCAL_TEST_SKILL, stage: sending.stage };
}

/** DynamoDB, loaded only by the tests that use it: the AWS SDK takes a while to load. */
function dynamoDb(options: NonNullable<Settings['dynamoDb']>): Db {
  const { DynamoDb } = require('../../src/stores/DynamoDb') as typeof import('../../src/stores/DynamoDb');
  return new DynamoDb(options);
}

/** The Lambda entry serving the test skill of `settings` (or `app`), as a skill's `index.handler` makes it. */
export function lambdaFor(
  settings: Settings,
  { app, log = () => undefined, telemetry }: { app?: App; log?: (line: string) => void; telemetry?: LambdaOptions['telemetry'] } = {},
): LambdaHandler {
  return createLambdaHandler({ app: () => app ?? createApp(settings), gate: { ...gateOptions(settings), log }, telemetry });
}
